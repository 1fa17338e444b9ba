package dev.twophase.coordinator.recovery;

import java.time.Instant;

import javax.transaction.xa.XAException;

/**
 * One XA branch whose outcome a participant decided on its own (a heuristic), or that vanished
 * while the coordinator still had to complete it. Each one is an operational incident: the
 * participant may disagree with the others, so the business data must be checked.
 *
 * @param participant the XA resource's unique name, e.g. {@code bankA}
 * @param xid the branch, as {@code gtrid:bqual}
 * @param expected what the coordinator had decided
 * @param observed what the participant reports it did
 * @param at when twophase saw it
 * @param detail how it was seen, with the XA error code
 */
public record HeuristicOutcome(String participant, String xid, Decision expected, Observed observed, Instant at,
        String detail) {

    /** The coordinator's decision for the transaction. */
    public enum Decision {
        COMMIT, ROLLBACK
    }

    /** What the participant reports. */
    public enum Observed {
        COMMITTED, ROLLED_BACK, MIXED, HAZARD;

        /**
         * @param errorCode an {@code XA_HEUR*} or {@code XA_RB*} code
         * @return what that code reports
         * @throws IllegalArgumentException for any other code
         */
        public static Observed ofXaErrorCode(int errorCode) {
            if (errorCode >= XAException.XA_RBBASE && errorCode <= XAException.XA_RBEND) {
                return ROLLED_BACK;
            }
            return switch (errorCode) {
                case XAException.XA_HEURCOM -> COMMITTED;
                case XAException.XA_HEURRB -> ROLLED_BACK;
                case XAException.XA_HEURMIX -> MIXED;
                case XAException.XA_HEURHAZ -> HAZARD;
                default -> throw new IllegalArgumentException("not a heuristic or rollback XA code: " + errorCode);
            };
        }
    }

    /** Whether the participant, deciding on its own, happened to do what the coordinator had decided. */
    public boolean agreesWithDecision() {
        return expected == Decision.COMMIT && observed == Observed.COMMITTED
                || expected == Decision.ROLLBACK && observed == Observed.ROLLED_BACK;
    }
}
