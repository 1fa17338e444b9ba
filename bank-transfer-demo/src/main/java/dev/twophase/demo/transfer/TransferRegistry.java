package dev.twophase.demo.transfer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;

/**
 * The transfer table in bank A: one row per committed transfer, unique per idempotency key. The
 * row is written first in every transfer, so a concurrent request with the same key waits on
 * the unique index and then fails, instead of doing the work twice.
 */
class TransferRegistry {

    private static final String COLUMNS = "id, idempotency_key, from_bank, from_account, to_bank, to_account, amount_cents, created_at";

    private final JdbcTemplate jdbc;
    private final List<JdbcTemplate> patternLogs;

    TransferRegistry(JdbcTemplate bankA, JdbcTemplate bankB) {
        this.jdbc = bankA;
        this.patternLogs = List.of(bankA, bankB);
    }

    /**
     * The Saga, TCC or outbox transfer that already holds this idempotency key, if any: a key is one
     * transfer whatever its mode. (Checked before the insert, not by one unique index across both
     * tables: two requests with the same key in different modes at the very same moment can still both run.)
     */
    Optional<String> patternTransferWithKey(String key) {
        for (JdbcTemplate log : patternLogs) {
            List<String> ids = log.queryForList("SELECT gid FROM pattern_tx WHERE flow = 'transfer' AND idempotency_key = ?",
                    String.class, key);
            if (!ids.isEmpty()) {
                return Optional.of(ids.get(0));
            }
        }
        return Optional.empty();
    }

    /** The XA transfer that holds this idempotency key, if any. */
    Optional<String> idWithKey(String key) {
        return first(jdbc.queryForList("SELECT id FROM transfer WHERE idempotency_key = ?", String.class, key));
    }

    /**
     * Records the transfer with the id of the event its transaction publishes. The timestamp is
     * the application's (microseconds, the columns' precision), so the caller needs no re-read.
     */
    void insert(Transfer transfer, String fingerprint, String eventId) {
        jdbc.update("INSERT INTO transfer (id, idempotency_key, request_fingerprint, from_bank, from_account, to_bank,"
                + " to_account, amount_cents, event_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                transfer.id(), transfer.idempotencyKey(), fingerprint, transfer.from().bank().name(), transfer.from().account(),
                transfer.to().bank().name(), transfer.to().account(), transfer.amountCents(), eventId,
                transfer.createdAt().atOffset(java.time.ZoneOffset.UTC));
    }

    Optional<Transfer> findById(String id) {
        return first(jdbc.query("SELECT " + COLUMNS + " FROM transfer WHERE id = ?", TransferRegistry::map, id));
    }

    /** The transfer and the fingerprint of the request that created it. */
    Optional<Recorded> findByKey(String key) {
        return first(jdbc.query("SELECT " + COLUMNS + ", request_fingerprint FROM transfer WHERE idempotency_key = ?",
                (rs, i) -> new Recorded(map(rs, i), rs.getString("request_fingerprint")), key));
    }

    private static Transfer map(ResultSet rs, int row) throws SQLException {
        return new Transfer(rs.getString("id"), rs.getString("idempotency_key"),
                new AccountRef(Bank.valueOf(rs.getString("from_bank").trim()), rs.getString("from_account")),
                new AccountRef(Bank.valueOf(rs.getString("to_bank").trim()), rs.getString("to_account")),
                rs.getLong("amount_cents"), rs.getTimestamp("created_at").toInstant());
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    record Recorded(Transfer transfer, String fingerprint) {
    }
}
