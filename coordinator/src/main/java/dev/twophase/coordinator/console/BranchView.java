package dev.twophase.coordinator.console;

import java.beans.ConstructorProperties;

/**
 * One prepared (in-doubt) XA branch of this coordinator, joined with the recovery log.
 *
 * <p>{@code run}: {@code PREVIOUS} (an earlier run of this coordinator), {@code CURRENT} (this
 * run) or {@code UNKNOWN}. {@code decision}: {@code COMMIT} when the log holds the commit
 * decision, {@code NONE} when it holds none (presumed abort), else the log's state.
 * {@code recommendation}: {@code COMMIT}, {@code ROLLBACK}, {@code WAIT} (its transaction is still
 * completing in this process; recovery finishes it) or {@code NONE} (not ours to decide).
 */
public final class BranchView {

    private final String participant;
    private final String xid;
    private final String gtrid;
    private final String bqual;
    private final int formatId;
    private final String createdAt;
    private final String run;
    private final boolean inFlight;
    private final String decision;
    private final String recommendation;
    private final String reason;

    @ConstructorProperties({"participant", "xid", "gtrid", "bqual", "formatId", "createdAt", "run", "inFlight", "decision",
            "recommendation", "reason"})
    public BranchView(String participant, String xid, String gtrid, String bqual, int formatId, String createdAt, String run,
            boolean inFlight, String decision, String recommendation, String reason) {
        this.participant = participant;
        this.xid = xid;
        this.gtrid = gtrid;
        this.bqual = bqual;
        this.formatId = formatId;
        this.createdAt = createdAt;
        this.run = run;
        this.inFlight = inFlight;
        this.decision = decision;
        this.recommendation = recommendation;
        this.reason = reason;
    }

    /** The participant's unique resource name. */
    public String getParticipant() {
        return participant;
    }

    /** {@code gtrid:bqual}: what the actions take. */
    public String getXid() {
        return xid;
    }

    public String getGtrid() {
        return gtrid;
    }

    public String getBqual() {
        return bqual;
    }

    public int getFormatId() {
        return formatId;
    }

    /** When its transaction began (ISO-8601, from the gtrid), or {@code null}. */
    public String getCreatedAt() {
        return createdAt;
    }

    public String getRun() {
        return run;
    }

    /** Whether its transaction is still active in this process. */
    public boolean isInFlight() {
        return inFlight;
    }

    public String getDecision() {
        return decision;
    }

    public String getRecommendation() {
        return recommendation;
    }

    /** Why that is the recommendation. */
    public String getReason() {
        return reason;
    }

    @Override
    public String toString() {
        return participant + " " + xid + " decision=" + decision + " recommendation=" + recommendation + " (" + reason + ")";
    }
}
