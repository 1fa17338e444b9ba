package dev.twophase.coordinator.fault;

/**
 * A moment in the life of one participant's XA branch at which a {@link Fault} can act.
 *
 * <p>{@code BEFORE_*} points act before the participant sees the call; {@code AFTER_*} points act
 * after the participant's call returned normally (a call that itself failed passes no
 * {@code AFTER_*} point). The points apply to every call on a wrapped participant, including
 * the commits and rollbacks that Atomikos recovery makes after a restart.
 */
public enum CrashPoint {

    /**
     * Before {@code prepare}: no branch is prepared yet; the coordinator has decided nothing. A
     * crash or failure here ends in rollback of every branch (presumed abort). {@code FAIL} with
     * {@code XA_RBROLLBACK} is a participant voting no.
     */
    BEFORE_PREPARE,

    /**
     * After {@code prepare} returned: this branch is prepared and in doubt, the commit decision is
     * not yet logged. A crash here ends in rollback once recovery runs.
     */
    AFTER_PREPARE,

    /**
     * Before {@code commit} (two-phase, or one-phase when the transaction has a single branch).
     * In a two-phase commit every branch voted yes and Atomikos has logged the COMMITTING
     * decision: a crash here at <em>any</em> participant must end in every branch committed by
     * recovery. A one-phase commit (the transaction's only branch) was never prepared, so there
     * is nothing to recover: a crash before it leaves the branch to die with its connection,
     * i.e. rolled back.
     */
    BEFORE_COMMIT,

    /** After {@code commit} returned: this branch is committed, others may still be prepared. */
    AFTER_COMMIT,

    /** Before {@code rollback}, whether the transaction failed, timed out or a participant voted no. */
    BEFORE_ROLLBACK,

    /**
     * At the start of a recovery scan, before {@code recover(TMSTARTRSCAN)} reaches the
     * participant. Further {@code recover} calls of the same scan pass unaffected, so one scan is one
     * matching call. There is no Xid at this point.
     */
    DURING_RECOVER
}
