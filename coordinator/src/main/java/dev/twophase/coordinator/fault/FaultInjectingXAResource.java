package dev.twophase.coordinator.fault;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.xa.DelegatingXAResource;

/**
 * A participant's {@link XAResource} with the {@link FaultInjector} consulted at each
 * {@link CrashPoint}; every call otherwise goes straight to the participant's own resource.
 */
final class FaultInjectingXAResource extends DelegatingXAResource {

    private final String participant;
    private final FaultInjector injector;

    FaultInjectingXAResource(String participant, XAResource delegate, FaultInjector injector) {
        super(delegate);
        this.participant = participant;
        this.injector = injector;
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        injector.at(participant, CrashPoint.BEFORE_PREPARE, xid);
        int vote = super.prepare(xid);
        injector.at(participant, CrashPoint.AFTER_PREPARE, xid);
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        injector.at(participant, CrashPoint.BEFORE_COMMIT, xid);
        super.commit(xid, onePhase);
        injector.at(participant, CrashPoint.AFTER_COMMIT, xid);
        injector.finished(participant, xid);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        injector.at(participant, CrashPoint.BEFORE_ROLLBACK, xid);
        super.rollback(xid);
        injector.finished(participant, xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        // One scan is one matching call: Atomikos calls TMSTARTRSCAN once, then TMNOFLAGS until empty.
        if ((flag & TMSTARTRSCAN) != 0) {
            injector.at(participant, CrashPoint.DURING_RECOVER, null);
        }
        return super.recover(flag);
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        super.start(xid, flags);
        injector.started(participant, xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        super.forget(xid);
        injector.finished(participant, xid);
    }

    @Override
    public String toString() {
        return "FaultInjection[" + participant + "] " + delegate();
    }
}
