package dev.twophase.coordinator.recovery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.DelegatingXAResource;
import dev.twophase.coordinator.xa.XaCodes;
import dev.twophase.coordinator.xa.XaResourceLink;
import dev.twophase.coordinator.xa.XidText;

/**
 * Turns a prepared branch that vanished before its commit into a heuristic the application sees,
 * instead of a success.
 *
 * <p>Atomikos reads {@code XAER_NOTA} on a two-phase commit as "already committed" and reports
 * success ({@code XAResourceTransaction.commit}: state TERMINATED, no exception). But if this
 * process saw the branch prepared and has not yet tried to commit it, nobody else had a reason
 * to commit it: the branch was rolled back behind the coordinator's back, e.g. by an operator's
 * {@code ROLLBACK PREPARED} or {@code XA ROLLBACK}. The guard then records a
 * {@link HeuristicOutcome} in the {@link HeuristicRegistry} and throws {@code XA_HEURRB} instead.
 * Atomikos marks the branch HEUR_ABORTED; if other branches committed, the transaction ends
 * HEUR_MIXED and, with {@code throw_on_heuristic=true} (our setting), {@code commit()} throws
 * {@code jakarta.transaction.HeuristicMixedException} (Spring: {@code HeuristicCompletionException},
 * state mixed); if every branch reports it, Atomikos throws a {@code RollbackException}.
 *
 * <p>Only the first commit of a branch prepared through a guard of the same participant in this
 * process is judged: a retry after an unclear failure (e.g. {@code XAER_RMFAIL}, when the commit
 * may have happened) and a commit replayed by recovery pass {@code XAER_NOTA} through unchanged.
 * A branch committed by someone else between prepare and this first commit would be misread as
 * rolled back; so twophase's recovery asks {@link #awaitingFirstCommit} and leaves such a branch
 * of a live transaction alone for the default timeout. {@code XAER_NOTA} on a
 * rollback is what a rollback wants and is passed through.
 *
 * <p>Wrap each XAResource once and hand out that wrapper for as long as the XAResource lives:
 * Atomikos matches XAResources by identity and compares implementation class names before
 * calling {@code isSameRM}, so guard all XAResources of a participant or none. Branches prepared
 * more than {@value #FORGET_AFTER_HOURS} hours ago without a commit or rollback through a guard
 * are forgotten. Thread-safe.
 */
public final class HeuristicGuard implements XaResourceLink, CommitAttempts {

    static final int FORGET_AFTER_HOURS = 1;
    private static final int PRUNE_ABOVE = 10_000;


    private final HeuristicRegistry registry;
    private final Map<String, Map<XidText.Key, Long>> preparedByParticipant = new ConcurrentHashMap<>();

    /** A guard that records into {@code registry}; one guard per coordinator, shared by all its participants. */
    public HeuristicGuard(HeuristicRegistry registry) {
        this.registry = registry;
    }

    /** Whether the branch was prepared through a guard of {@code participant} and no commit of it has been tried since. */
    @Override
    public boolean awaitingFirstCommit(String participant, Xid xid) {
        Map<XidText.Key, Long> prepared = preparedByParticipant.get(participant);
        return prepared != null && prepared.containsKey(XidText.key(xid));
    }

    /** The chain's link: guards {@code next}, asking {@code vendor} whether a branch is still prepared. */
    @Override
    public XAResource link(String participant, XAResource next, XAResource vendor) {
        return guard(participant, next, vendor);
    }

    /** The XAResource under any guards (and other decorators), or the argument itself. */
    public static XAResource unwrap(XAResource resource) {
        return DelegatingXAResource.unwrap(resource);
    }

    /**
     * Guards an XAResource with this guard; all XAResources of one participant must share the guard.
     *
     * @param participant the XA resource's unique name, e.g. {@code bankA}
     */
    public XAResource guard(String participant, XAResource delegate) {
        return guard(participant, delegate, delegate);
    }

    /** Like {@link #guard(String, XAResource)}, asking {@code scanner} whether a branch is still prepared. */
    public XAResource guard(String participant, XAResource delegate, XAResource scanner) {
        if (participant == null || participant.isBlank()) {
            throw new IllegalArgumentException("participant name is required: it is reported with every heuristic outcome");
        }
        if (delegate == null) {
            throw new IllegalArgumentException("no XAResource to guard for participant '" + participant + "'");
        }
        return new Guarded(participant, delegate, scanner == null ? delegate : scanner,
                preparedByParticipant.computeIfAbsent(participant, p -> new ConcurrentHashMap<>()));
    }

    private final class Guarded extends DelegatingXAResource {

        private final String participant;
        private final XAResource scanner;
        private final Map<XidText.Key, Long> prepared;

        Guarded(String participant, XAResource delegate, XAResource scanner, Map<XidText.Key, Long> prepared) {
            super(delegate);
            this.participant = participant;
            this.scanner = scanner;
            this.prepared = prepared;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            int vote = super.prepare(xid);
            if (vote == XA_OK) {
                if (prepared.size() > PRUNE_ABOVE) {
                    long oldest = System.nanoTime() - TimeUnit.HOURS.toNanos(FORGET_AFTER_HOURS);
                    prepared.values().removeIf(at -> at - oldest < 0);
                }
                prepared.put(XidText.key(xid), System.nanoTime());
            }
            return vote;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            // Claiming before the call makes any later or concurrent commit of the branch a retry.
            Long claimed = onePhase ? null : prepared.remove(XidText.key(xid));
            boolean firstCommitAfterPrepare = claimed != null;
            try {
                super.commit(xid, onePhase);
            } catch (XAException e) {
                Boolean stillPrepared = firstCommitAfterPrepare
                        && (e.errorCode == XAException.XAER_NOTA || e.errorCode == XAException.XAER_RMERR) ? stillPrepared(xid) : null;
                if (Boolean.FALSE.equals(stillPrepared)) {
                    // pgjdbc answers XAER_RMERR, not XAER_NOTA, when the connection that prepared the
                    // branch commits it and finds it gone; so the resource itself is asked.
                    registry.record(participant, xid, Decision.COMMIT, Observed.ROLLED_BACK,
                            "commit failed (" + XaCodes.name(e.errorCode) + ") and the resource no longer lists the branch"
                                    + " although it was prepared in this process and not committed since: it was resolved"
                                    + " outside the coordinator, most likely rolled back by ROLLBACK PREPARED / XA ROLLBACK or"
                                    + " the resource's own timeout; reported as XA_HEURRB");
                    XAException heuristic = new XAException(XAException.XA_HEURRB);
                    heuristic.initCause(e);
                    throw heuristic;
                }
                if (Boolean.TRUE.equals(stillPrepared)) {
                    // Definitely still prepared: a later XAER_NOTA for it would mean it vanished, so keep watching.
                    // (After XAER_RMFAIL the commit may have happened; a later XAER_NOTA then means done.)
                    prepared.putIfAbsent(XidText.key(xid), claimed);
                }
                throw e;
            }
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            prepared.remove(XidText.key(xid));
            super.rollback(xid);
        }

        @Override
        public void forget(Xid xid) throws XAException {
            prepared.remove(XidText.key(xid));
            super.forget(xid);
        }

        /** Whether the resource still lists the branch as prepared; {@code null} when it cannot tell (no heuristic is claimed). */
        private Boolean stillPrepared(Xid xid) {
            try {
                Xid[] listed = scanner.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
                if (listed == null) {
                    return false;
                }
                XidText.Key key = XidText.key(xid);
                for (Xid x : listed) {
                    if (XidText.key(x).equals(key)) {
                        return true;
                    }
                }
                return false;
            } catch (XAException | RuntimeException unknown) {
                return null;
            }
        }

        @Override
        public String toString() {
            return "HeuristicGuard[" + participant + "](" + delegate() + ")";
        }
    }
}
