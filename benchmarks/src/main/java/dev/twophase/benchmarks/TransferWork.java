package dev.twophase.benchmarks;

import java.time.Instant;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;

/**
 * The statements of one transfer, as the demo's {@code TransferService} runs them: the registry row
 * in bank A (unique idempotency key), the debit and the credit (each one atomic
 * {@code UPDATE … WHERE balance_cents >= ?}), one ledger row per side, and the {@code transfer}
 * event as a persistent JSON text message. Which transaction each part runs in is the caller's
 * business: {@link Mode} decides that.
 */
final class TransferWork {

    /** The queue the benchmark's events go to; drained and counted after every run. */
    static final String QUEUE = "bench.transfers";

    private TransferWork() {
    }

    /** One transfer's identity and accounts; {@code from} is debited, {@code to} credited. */
    record Transfer(String id, String idempotencyKey, String fromBank, String from, String toBank, String to, long amountCents) {

        static Transfer of(String fromBank, String from, String toBank, String to, long amountCents) {
            String id = UUID.randomUUID().toString();
            return new Transfer(id, "bench-" + id, fromBank, from, toBank, to, amountCents);
        }
    }

    /** The registry row; on bank A, as in the demo. */
    static void register(JdbcTemplate bankA, Transfer t) {
        bankA.update("INSERT INTO transfer (id, idempotency_key, request_fingerprint, from_bank, from_account, to_bank,"
                + " to_account, amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                t.id(), t.idempotencyKey(), "bench", t.fromBank(), t.from(), t.toBank(), t.to(), t.amountCents());
    }

    /** @throws IllegalStateException when the account is missing or cannot cover the amount (the benchmark's data never allows that) */
    static void debit(JdbcTemplate bank, Transfer t) {
        int rows = bank.update("UPDATE account SET balance_cents = balance_cents - ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE id = ? AND balance_cents >= ?", t.amountCents(), t.from(), t.amountCents());
        if (rows != 1) {
            throw new IllegalStateException("debit of " + t.from() + " failed: unknown account or insufficient funds");
        }
        entry(bank, t.id(), t.from(), "DEBIT", t.amountCents());
    }

    static void credit(JdbcTemplate bank, Transfer t) {
        int rows = bank.update("UPDATE account SET balance_cents = balance_cents + ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE id = ?", t.amountCents(), t.to());
        if (rows != 1) {
            throw new IllegalStateException("credit of " + t.to() + " failed: unknown account");
        }
        entry(bank, t.id(), t.to(), "CREDIT", t.amountCents());
    }

    private static void entry(JdbcTemplate bank, String transferId, String account, String direction, long amount) {
        bank.update("INSERT INTO ledger_entry (transfer_id, account_id, direction, amount_cents) VALUES (?, ?, ?, ?)",
                transferId, account, direction, amount);
    }

    /**
     * Sends the event with the demo's envelope and properties. Inside a JTA transaction over the
     * Atomikos factory the send is part of the transaction; over a plain factory it is a
     * persistent send that returns once the broker has journalled it.
     */
    static void publish(JmsTemplate jms, Transfer t) {
        String eventId = UUID.randomUUID().toString();
        String body = "{\"schema\":\"twophase.transfer.v1\",\"eventId\":\"" + eventId + "\",\"eventType\":\"transfer\""
                + ",\"businessKey\":\"" + t.id() + "\",\"occurredAt\":\"" + Instant.now() + "\",\"transferId\":\"" + t.id()
                + "\",\"from\":{\"bank\":\"" + t.fromBank() + "\",\"account\":\"" + t.from() + "\"},\"to\":{\"bank\":\""
                + t.toBank() + "\",\"account\":\"" + t.to() + "\"},\"amountCents\":" + t.amountCents() + "}";
        jms.send(QUEUE, session -> {
            var message = session.createTextMessage(body);
            message.setStringProperty("eventId", eventId);
            message.setStringProperty("eventType", "transfer");
            message.setStringProperty("businessKey", t.id());
            return message;
        });
    }
}
