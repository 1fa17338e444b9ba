package dev.twophase.demo.orders;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.patterns.PatternStates;

/**
 * The {@code pattern_tx} rows of the order flow ({@code flow = 'order'}), in bank A where the stock
 * is: the log of each Saga, TCC and outbox order, its request and its state. An order has no
 * idempotency key of its own (the XA order has none either); the log's key column holds its id.
 * Changes of state are compare-and-sets ({@link PatternStates}).
 */
final class OrderLog {

    static final String FLOW = "order";
    private static final String COLUMNS = "gid, mode, state, sku, quantity, user_id, order_strategy, event_id, failure, attempts,"
            + " created_ms, updated_ms, deadline_ms, exposed_ms, finished_ms";

    /** One order's log row. Times are epoch milliseconds of the application's clock. */
    record Row(String gid, PatternMode mode, String state, String sku, int quantity, String userId, OrderStrategy strategy,
            String eventId, String failure, int attempts, long createdMs, long updatedMs, long deadlineMs, Long exposedMs,
            Long finishedMs) {

        boolean finished() {
            return finishedMs != null;
        }
    }

    private final JdbcTemplate jdbc;
    private final PatternStates states;

    OrderLog(JdbcTemplate bankA) {
        this.jdbc = bankA;
        this.states = new PatternStates(bankA);
    }

    /** Inserts a new row, in the caller's local transaction when there is one. */
    void insert(Row r) {
        jdbc.update("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, sku, quantity, user_id,"
                + " order_strategy, event_id, attempts, created_ms, updated_ms, deadline_ms, exposed_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                r.gid(), r.mode().name(), FLOW, r.state(), r.gid(), "-", r.sku(), r.quantity(), r.userId(), r.strategy().name(),
                r.eventId(), r.createdMs(), r.updatedMs(), r.deadlineMs(), r.exposedMs());
    }

    Optional<Row> find(String gid) {
        List<Row> rows = jdbc.query("SELECT " + COLUMNS + " FROM pattern_tx WHERE gid = ? AND flow = ?", OrderLog::map, gid, FLOW);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** @see PatternStates#transition */
    boolean transition(String gid, String expected, String next, String failure, boolean exposed, boolean finished, long now) {
        return states.transition(gid, expected, next, failure, exposed, finished, now);
    }

    /**
     * Records when a reader could first see an intermediate state (stock taken or held, no order yet), in
     * the local transaction of the step that made it visible.
     */
    void exposed(String gid, long now) {
        jdbc.update("UPDATE pattern_tx SET exposed_ms = ? WHERE gid = ? AND exposed_ms IS NULL", now, gid);
    }

    /** @see PatternStates#attempted */
    void attempted(String gid, long now) {
        states.attempted(gid, now);
    }

    /** Unfinished orders not changed since {@code staleBefore}, oldest first: what a crash or a failure left behind. */
    List<Row> stale(long staleBefore, int limit) {
        JdbcTemplate limited = new JdbcTemplate(jdbc.getDataSource());
        limited.setMaxRows(limit);
        return limited.query("SELECT " + COLUMNS + " FROM pattern_tx WHERE finished_ms IS NULL AND updated_ms < ? AND flow = ?"
                + " ORDER BY updated_ms", OrderLog::map, staleBefore, FLOW);
    }

    private static Row map(ResultSet rs, int i) throws SQLException {
        long exposed = rs.getLong("exposed_ms");
        Long exposedMs = rs.wasNull() ? null : exposed;
        long finished = rs.getLong("finished_ms");
        Long finishedMs = rs.wasNull() ? null : finished;
        return new Row(rs.getString("gid"), PatternMode.valueOf(rs.getString("mode")), rs.getString("state"), rs.getString("sku"),
                rs.getInt("quantity"), rs.getString("user_id"), OrderStrategy.valueOf(rs.getString("order_strategy").trim()),
                rs.getString("event_id"), rs.getString("failure"), rs.getInt("attempts"), rs.getLong("created_ms"),
                rs.getLong("updated_ms"), rs.getLong("deadline_ms"), exposedMs, finishedMs);
    }
}
