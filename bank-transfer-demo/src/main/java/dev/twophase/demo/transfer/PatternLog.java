package dev.twophase.demo.transfer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.patterns.FlowLog;

/**
 * The {@code pattern_tx} rows of the transfer flow ({@code flow = 'transfer'}) in one bank: the log of
 * each Saga, TCC and outbox transfer, its request and its state. Changes of state are
 * compare-and-sets ({@link FlowLog}).
 */
final class PatternLog extends FlowLog<PatternLog.Row> {

    static final String FLOW = "transfer";
    private static final String COLUMNS = "gid, mode, state, idempotency_key, request_fingerprint, from_bank, from_account, to_bank,"
            + " to_account, amount_cents, event_id, failure, attempts, created_ms, updated_ms, deadline_ms, exposed_ms, finished_ms";

    /** One transfer's log row. Times are epoch milliseconds of the application's clock. */
    record Row(String gid, PatternMode mode, String state, String idempotencyKey, String fingerprint, AccountRef from,
            AccountRef to, long amountCents, String eventId, String failure, int attempts, long createdMs, long updatedMs,
            long deadlineMs, Long exposedMs, Long finishedMs) implements FlowLog.Entry {

        @Override
        public boolean finished() {
            return finishedMs != null;
        }
    }

    PatternLog(JdbcTemplate jdbc) {
        super(jdbc, FLOW, COLUMNS, PatternLog::map);
    }

    /** Inserts a new row; a repeated idempotency key fails with a {@code DuplicateKeyException}. */
    void insert(Row r) {
        jdbc.update("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, from_bank, from_account,"
                + " to_bank, to_account, amount_cents, event_id, attempts, created_ms, updated_ms, deadline_ms, exposed_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                r.gid(), r.mode().name(), FLOW, r.state(), r.idempotencyKey(), r.fingerprint(), r.from().bank().name(),
                r.from().account(), r.to().bank().name(), r.to().account(), r.amountCents(), r.eventId(), r.createdMs(),
                r.updatedMs(), r.deadlineMs(), r.exposedMs());
        inserted(r.gid(), r.mode());
    }

    Optional<Row> findByKey(String idempotencyKey) {
        return first(jdbc.query("SELECT " + COLUMNS + " FROM pattern_tx WHERE flow = ? AND idempotency_key = ?", PatternLog::map,
                FLOW, idempotencyKey));
    }

    /** The XA transfer in this bank's registry that holds the key, if any (only bank A has XA transfers). */
    Optional<String> xaTransferWithKey(String idempotencyKey) {
        return first(jdbc.queryForList("SELECT id FROM transfer WHERE idempotency_key = ?", String.class, idempotencyKey));
    }

    /** Whether {@code e} is this table's idempotency key index refusing a second row, not any other unique index. */
    static boolean isKeyCollision(org.springframework.dao.DuplicateKeyException e) {
        return String.valueOf(e.getMostSpecificCause().getMessage()).toLowerCase(java.util.Locale.ROOT).contains("pattern_tx_key_unique");
    }

    private static Row map(ResultSet rs, int i) throws SQLException {
        long exposed = rs.getLong("exposed_ms");
        Long exposedMs = rs.wasNull() ? null : exposed;
        long finished = rs.getLong("finished_ms");
        Long finishedMs = rs.wasNull() ? null : finished;
        return new Row(rs.getString("gid"), PatternMode.valueOf(rs.getString("mode")), rs.getString("state"),
                rs.getString("idempotency_key"), rs.getString("request_fingerprint"),
                new AccountRef(Bank.valueOf(rs.getString("from_bank").trim()), rs.getString("from_account")),
                new AccountRef(Bank.valueOf(rs.getString("to_bank").trim()), rs.getString("to_account")),
                rs.getLong("amount_cents"), rs.getString("event_id"), rs.getString("failure"), rs.getInt("attempts"),
                rs.getLong("created_ms"), rs.getLong("updated_ms"), rs.getLong("deadline_ms"), exposedMs, finishedMs);
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
}
