package dev.twophase.coordinator.xa;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Which connection's XAResource prepared each branch this process has prepared and not yet seen
 * finished. MariaDB lets no other connection commit or roll back a prepared branch while the one
 * that prepared it lives: any other answers {@code XAER_NOTA} although {@code XA RECOVER} lists the
 * branch. Atomikos hands such a connection back to its pool when it gives up on a transaction whose
 * commit decision could not be logged, and it may sit there for minutes. Recovery then finishes the
 * branch through its owner ({@code BranchResolver.finish}).
 *
 * <p>Bounded: the oldest entries go first; an entry only saves time, never decides an outcome.
 */
public final class PreparedBranches {

    private static final int CAPACITY = 10_000;

    private static final Map<XidText.Key, XAResource> OWNERS = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<XidText.Key, XAResource> eldest) {
            return size() > CAPACITY;
        }
    };

    private PreparedBranches() {
    }

    /** The XAResource (the whole chain) of the connection that prepared this branch, or null. */
    public static XAResource owner(Xid xid) {
        if (xid == null) {
            return null;
        }
        synchronized (OWNERS) {
            return OWNERS.get(XidText.key(xid));
        }
    }

    /** The branch is finished, or its owner can no longer finish it. */
    public static void finished(Xid xid) {
        if (xid == null) {
            return;
        }
        synchronized (OWNERS) {
            OWNERS.remove(XidText.key(xid));
        }
    }

    static void prepared(Xid xid, XAResource owner) {
        if (xid == null) {
            return;
        }
        synchronized (OWNERS) {
            OWNERS.put(XidText.key(xid), owner);
        }
    }

    /** Innermost link of every chain: records a branch's owner when it prepares, forgets it when it is finished. */
    static final class Recorder extends DelegatingXAResource {

        /** The chain's outermost resource, set once the chain is built: what recovery calls. */
        private volatile XAResource outermost = this;

        Recorder(XAResource vendor) {
            super(vendor);
        }

        void chained(XAResource outermost) {
            this.outermost = outermost;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            int vote = super.prepare(xid);
            if (vote == XA_OK) {
                prepared(xid, outermost);
            }
            return vote;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            super.commit(xid, onePhase);
            finished(xid);
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            super.rollback(xid);
            finished(xid);
        }
    }
}
