package dev.twophase.demo.patterns;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The state columns of {@code pattern_tx}, which every flow's log (transfer, order) shares: each
 * change of state is a compare-and-set on the state the caller read, so a request thread and the
 * recovery timer (of this or another instance) driving the same transaction never both make a
 * transition; the loser reads the row again and follows it.
 */
public final class PatternStates {

    private final JdbcTemplate jdbc;

    public PatternStates(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Moves the row from {@code expected} to {@code next}.
     *
     * @param failure the reason code to record, or {@code null} to keep the one there
     * @param exposed whether a reader can now see an intermediate state (sets {@code exposed_ms} once)
     * @param finished whether {@code next} is final (sets {@code finished_ms})
     * @return whether this call made the transition (false: the row is no longer in {@code expected})
     */
    public boolean transition(String gid, String expected, String next, String failure, boolean exposed, boolean finished, long now) {
        return jdbc.update("UPDATE pattern_tx SET state = ?, updated_ms = ?, failure = COALESCE(?, failure),"
                + " exposed_ms = CASE WHEN ? AND exposed_ms IS NULL THEN ? ELSE exposed_ms END,"
                + " finished_ms = CASE WHEN ? THEN ? ELSE finished_ms END WHERE gid = ? AND state = ?",
                next, now, failure, exposed, now, finished, now, gid, expected) == 1;
    }

    /** Counts one more attempt by the recovery timer and pushes the row's next look back. */
    public void attempted(String gid, long now) {
        jdbc.update("UPDATE pattern_tx SET attempts = attempts + 1, updated_ms = ? WHERE gid = ? AND finished_ms IS NULL", now, gid);
    }
}
