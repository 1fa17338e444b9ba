package dev.twophase.demo.orders;

import java.sql.ResultSet;
import java.sql.SQLException;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.patterns.FlowLog;

/**
 * The {@code pattern_tx} rows of the order flow ({@code flow = 'order'}), in bank A where the stock
 * is: the log of each Saga, TCC and outbox order, its request and its state. An order has no
 * idempotency key of its own (the XA order has none either); the log's key column holds its id.
 * Changes of state are compare-and-sets ({@link FlowLog}).
 */
final class OrderLog extends FlowLog<OrderLog.Row> {

    static final String FLOW = "order";
    private static final String COLUMNS = "gid, mode, state, sku, quantity, user_id, order_strategy, event_id, failure, attempts,"
            + " created_ms, updated_ms, deadline_ms, exposed_ms, finished_ms";

    /** One order's log row. Times are epoch milliseconds of the application's clock. */
    record Row(String gid, PatternMode mode, String state, String sku, int quantity, String userId, OrderStrategy strategy,
            String eventId, String failure, int attempts, long createdMs, long updatedMs, long deadlineMs, Long exposedMs,
            Long finishedMs) implements FlowLog.Entry {

        @Override
        public boolean finished() {
            return finishedMs != null;
        }
    }

    OrderLog(JdbcTemplate bankA) {
        super(bankA, FLOW, COLUMNS, OrderLog::map);
    }

    /** Inserts a new row, in the caller's local transaction when there is one. */
    void insert(Row r) {
        jdbc.update("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, sku, quantity, user_id,"
                + " order_strategy, event_id, attempts, created_ms, updated_ms, deadline_ms, exposed_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                r.gid(), r.mode().name(), FLOW, r.state(), r.gid(), "-", r.sku(), r.quantity(), r.userId(), r.strategy().name(),
                r.eventId(), r.createdMs(), r.updatedMs(), r.deadlineMs(), r.exposedMs());
        inserted(r.gid(), r.mode());
    }

    private static Row map(ResultSet rs, int i) throws SQLException {
        return new Row(rs.getString("gid"), PatternMode.valueOf(rs.getString("mode")), rs.getString("state"), rs.getString("sku"),
                rs.getInt("quantity"), rs.getString("user_id"), OrderStrategy.valueOf(rs.getString("order_strategy").trim()),
                rs.getString("event_id"), rs.getString("failure"), rs.getInt("attempts"), rs.getLong("created_ms"),
                rs.getLong("updated_ms"), rs.getLong("deadline_ms"), nullableLong(rs, "exposed_ms"), nullableLong(rs, "finished_ms"));
    }
}
