package dev.twophase.demo.patterns;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.twophase.coordinator.timeline.XaTimeline;

/**
 * One flow's rows of {@code pattern_tx} in one database: the log of each Saga, TCC and outbox
 * transaction of that flow (transfer, order, like). What every flow's log shares lives here: finding
 * a row, the unfinished rows recovery takes, and the state columns. Every change of state is a
 * compare-and-set on the state the caller read, so a request thread and the recovery timer (of this
 * or another instance) driving the same transaction never both make a transition; the loser reads
 * the row again and follows it.
 *
 * @param <R> the flow's row: its request and its state
 */
public class FlowLog<R extends FlowLog.Entry> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FlowLog.class);

    /** What every flow's row has. */
    public interface Entry {
        String gid();

        PatternMode mode();

        String state();

        boolean finished();
    }

    protected final JdbcTemplate jdbc;
    private final String flow;
    private final String columns;
    private final RowMapper<R> mapper;
    private volatile StepRecorder steps = StepRecorder.NONE;

    /**
     * @param flow the value of {@code pattern_tx.flow}
     * @param columns the columns {@code mapper} reads
     */
    protected FlowLog(JdbcTemplate jdbc, String flow, String columns, RowMapper<R> mapper) {
        this.jdbc = jdbc;
        this.flow = flow;
        this.columns = columns;
        this.mapper = mapper;
    }

    public Optional<R> find(String gid) {
        List<R> rows = jdbc.query("SELECT " + columns + " FROM pattern_tx WHERE gid = ? AND flow = ?", mapper, gid, flow);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Unfinished rows not changed since {@code staleBefore}, oldest first: what a crash or a failure left behind. */
    public List<R> stale(long staleBefore, int limit) {
        JdbcTemplate limited = new JdbcTemplate(jdbc.getDataSource());
        limited.setMaxRows(limit);
        return limited.query("SELECT " + columns + " FROM pattern_tx WHERE finished_ms IS NULL AND updated_ms < ? AND flow = ?"
                + " ORDER BY updated_ms", mapper, staleBefore, flow);
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
        long start = System.nanoTime();
        boolean moved = jdbc.update("UPDATE pattern_tx SET state = ?, updated_ms = ?, failure = COALESCE(?, failure),"
                + " exposed_ms = CASE WHEN ? AND exposed_ms IS NULL THEN ? ELSE exposed_ms END,"
                + " finished_ms = CASE WHEN ? THEN ? ELSE finished_ms END WHERE gid = ? AND state = ?",
                next, now, failure, exposed, now, finished, now, gid, expected) == 1;
        if (moved) {
            long end = System.nanoTime();
            Runnable report = () -> steps.record(gid, XaTimeline.COORDINATOR, "log " + next, start, end, "ok");
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                // Inside a step's local transaction: the new state exists only once that commits.
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        report.run();
                    }
                });
            } else {
                report.run();
            }
        }
        return moved;
    }

    /** Names a new row's flow on the protocol timeline, e.g. {@code transfer (saga)}; subclasses call it from their insert. */
    protected void inserted(String gid, PatternMode mode) {
        steps.label(gid, flow + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    /** Reports every transition this log makes to {@code recorder} (the protocol timeline); returns this log. */
    public FlowLog<R> recordTo(StepRecorder recorder) {
        this.steps = java.util.Objects.requireNonNull(recorder, "recorder");
        return this;
    }

    /**
     * Records when a reader could first see an intermediate state, in the local transaction of the step
     * that made it visible (the step must run in the log's database).
     */
    public void exposed(String gid, long now) {
        jdbc.update("UPDATE pattern_tx SET exposed_ms = ? WHERE gid = ? AND exposed_ms IS NULL", now, gid);
    }

    /** Counts one more attempt by the recovery timer and pushes the row's next look back. */
    public void attempted(String gid, long now) {
        jdbc.update("UPDATE pattern_tx SET attempts = attempts + 1, updated_ms = ? WHERE gid = ? AND finished_ms IS NULL", now, gid);
    }

    /**
     * One recovery pass over this log: each unfinished row unchanged since {@code staleBefore} (a crash, a
     * lost connection, a database that was down) is driven on by its mode's rules. A row that does not
     * finish is counted as attempted, which pushes its next look back.
     *
     * @param what the flow's noun for the log lines, e.g. {@code order}
     * @param drive drives a row to where it gets now; may throw the flow's refusal
     * @param refusal the slug of a flow's refusal, or {@code null} for any other exception
     * @return how many rows it drove to a final state
     */
    public int recoverStale(String what, long staleBefore, int batch, java.util.function.UnaryOperator<R> drive,
            java.util.function.Function<RuntimeException, String> refusal) {
        int done = 0;
        for (R row : stale(staleBefore, batch)) {
            R after;
            String refused = null;
            try {
                after = drive.apply(row);
            } catch (RuntimeException e) {
                refused = refusal.apply(e);
                if (refused == null) {
                    attempted(row.gid(), System.currentTimeMillis());
                    log.warn("Recovery of {} {} {} in state {} failed, will try again: {}", row.mode(), what, row.gid(), row.state(),
                            e.toString());
                    continue;
                }
                // Undone by its mode's rules, or refused on the way and not finished yet.
                after = find(row.gid()).orElse(row);
            }
            if (after.finished()) {
                done++;
                log.info("Recovered {} {} {}: {} -> {}{}", row.mode(), what, row.gid(), row.state(), after.state(),
                        refused == null ? "" : " (" + refused + ")");
            } else {
                attempted(row.gid(), System.currentTimeMillis());
            }
        }
        return done;
    }

    /** The nullable epoch-ms column, or {@code null}. */
    protected static Long nullableLong(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
