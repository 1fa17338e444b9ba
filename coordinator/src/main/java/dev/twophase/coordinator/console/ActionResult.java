package dev.twophase.coordinator.console;

import java.beans.ConstructorProperties;

/**
 * What an operator action did.
 *
 * <p>{@code outcome}: {@code DONE}; {@code ALREADY_RESOLVED} (the participant no longer knew the
 * branch when asked: resolved meanwhile, by recovery or someone else); {@code NOT_FOUND} (no
 * participant lists it as prepared); {@code REFUSED} (unsafe without force, or its transaction is
 * still running); {@code BUSY} (a recovery pass held the participants too long; try again);
 * {@code FAILED} (the participant failed; the message says with what); {@code STARTED} (a
 * background recovery pass was started).
 */
public final class ActionResult {

    private final String action;
    private final String target;
    private final String participant;
    private final String outcome;
    private final boolean forced;
    private final boolean heuristic;
    private final String message;
    private final String auditId;

    @ConstructorProperties({"action", "target", "participant", "outcome", "forced", "heuristic", "message", "auditId"})
    public ActionResult(String action, String target, String participant, String outcome, boolean forced, boolean heuristic,
            String message, String auditId) {
        this.action = action;
        this.target = target;
        this.participant = participant;
        this.outcome = outcome;
        this.forced = forced;
        this.heuristic = heuristic;
        this.message = message;
        this.auditId = auditId;
    }

    /** {@code commit}, {@code rollback}, {@code forget} or {@code recover}. */
    public String getAction() {
        return action;
    }

    /** The XID text or gtrid the action was for; empty for {@code recover}. */
    public String getTarget() {
        return target;
    }

    /** The participant acted on, or {@code null}. */
    public String getParticipant() {
        return participant;
    }

    public String getOutcome() {
        return outcome;
    }

    public boolean isForced() {
        return forced;
    }

    /** Whether the action was a heuristic decision (forced against or without the log's decision). */
    public boolean isHeuristic() {
        return heuristic;
    }

    /** What happened and, where something is left to do, what. */
    public String getMessage() {
        return message;
    }

    /** The id of the audit record. */
    public String getAuditId() {
        return auditId;
    }

    @Override
    public String toString() {
        return action + " " + target + ": " + outcome + " - " + message;
    }
}
