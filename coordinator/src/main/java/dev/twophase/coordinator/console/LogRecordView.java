package dev.twophase.coordinator.console;

import java.beans.ConstructorProperties;

/**
 * A recovery log record that is not terminated. {@code purgeAt} is when Atomikos will drop it as
 * orphaned ({@code expires + forget_orphaned_log_entries_delay}): a COMMITTING record still
 * needed then is lost, and its branches would be presumed aborted.
 */
public final class LogRecordView {

    private final String gtrid;
    private final String state;
    private final String expiresAt;
    private final String purgeAt;
    private final int preparedBranches;

    @ConstructorProperties({"gtrid", "state", "expiresAt", "purgeAt", "preparedBranches"})
    public LogRecordView(String gtrid, String state, String expiresAt, String purgeAt, int preparedBranches) {
        this.gtrid = gtrid;
        this.state = state;
        this.expiresAt = expiresAt;
        this.purgeAt = purgeAt;
        this.preparedBranches = preparedBranches;
    }

    public String getGtrid() {
        return gtrid;
    }

    /** Atomikos's state: {@code COMMITTING}, {@code IN_DOUBT}, ... */
    public String getState() {
        return state;
    }

    /** ISO-8601. */
    public String getExpiresAt() {
        return expiresAt;
    }

    /** ISO-8601. */
    public String getPurgeAt() {
        return purgeAt;
    }

    /** Branches of this transaction prepared on some participant (latest scan). */
    public int getPreparedBranches() {
        return preparedBranches;
    }
}
