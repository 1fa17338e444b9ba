package dev.twophase.demo.transfer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.Outbox;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * The transfer through the transactional outbox (reliable events):
 * <ol>
 * <li>In <em>one</em> local transaction of the debited bank: the log row ({@code SENT}), the debit
 * and its ledger row, and a {@code transfer-credit} event in that bank's outbox. The request is
 * answered now: 202, the credit is on its way.</li>
 * <li>The bank's outbox relay publishes the event to queue {@value #CREDITS}, at least once.</li>
 * <li>{@link #consume}: in one local transaction of the credited bank, the event id in its
 * {@code inbox_event} (a redelivery finds it and does nothing), the credit and its ledger row, and the
 * {@code transfer} event in that bank's outbox. Then the log row becomes {@code DONE}.</li>
 * </ol>
 * Nothing here can be undone: the pattern assumes every step after the first succeeds eventually.
 * So the credited account is checked before the debit (accounts are never deleted), and a refused
 * debit changes nothing and is answered at once.
 *
 * <p>Recovery: the relay sends whatever is unpublished, again after a crash; the consumer skips what it
 * has seen. A log row left {@code SENT} whose credit has committed is set {@code DONE} by the
 * recovery timer; one still not credited after the timeout has its credit event published again
 * (it may have gone to the dead-letter queue while the credited bank was down).
 */
final class OutboxTransfer extends TransferPattern {

    private static final Logger log = LoggerFactory.getLogger(OutboxTransfer.class);

    /** The queue of {@code transfer-credit} events. */
    static final String CREDITS = "transfer-credits";
    static final String CREDIT_EVENT = "transfer-credit";
    static final String CREDIT_SCHEMA = "twophase.transfer-credit.v1";
    static final String SENT = "SENT";

    static final List<String> CRASH_POINTS = List.of("outbox.debit.before-commit", "outbox.debit.after-commit",
            "outbox.relay.after-send", "outbox.credit.before-commit", "outbox.credit.after-commit");

    OutboxTransfer(Map<Bank, LocalDatabase> banks, Map<Bank, PatternLog> logs, PatternFaults faults, ObjectMapper json, Duration timeout) {
        super(banks, logs, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.OUTBOX;
    }

    /** The debited bank: the log row must commit with the debit. */
    @Override
    Bank logBank(AccountRef from) {
        return from.bank();
    }

    @Override
    PatternLog.Row start(TransferRequest request) {
        if (!ledger(request.to().bank()).exists(request.to().account())) {
            throw unknown(request.to());
        }
        PatternLog.Row row = newRow(request, SENT, true);
        Bank bank = request.from().bank();
        db(bank).inTransaction(row.gid(), "debit + event", jdbc -> {
            logs.get(bank).insert(row);
            debitOrReject(bank, row.from(), row.amountCents(), row.gid());
            ObjectNode body = json.createObjectNode().put("schema", CREDIT_SCHEMA).put("eventId", creditEventId(row))
                    .put("eventType", CREDIT_EVENT).put("businessKey", row.gid()).put("transferId", row.gid())
                    .put("transferEventId", row.eventId()).put("amountCents", row.amountCents()).put("createdMs", row.createdMs());
            body.putObject("from").put("bank", row.from().bank().name()).put("account", row.from().account());
            body.putObject("to").put("bank", row.to().bank().name()).put("account", row.to().account());
            db(bank).addToOutbox(new Outbox.Event(creditEventId(row), CREDITS, CREDIT_EVENT, row.gid(), write(body)));
            faults.reach("outbox.debit.before-commit", row.gid());
            return null;
        });
        faults.reach("outbox.debit.after-commit", row.gid());
        return row;
    }

    /** The credit event's id: one per transfer, derived from it, so that nothing else must be stored. */
    static String creditEventId(PatternLog.Row row) {
        return java.util.UUID.nameUUIDFromBytes(("credit:" + row.gid()).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** Recovery: a row left {@code SENT} becomes {@code DONE} once its credit has committed; until then the events are on their way. */
    @Override
    PatternLog.Row drive(PatternLog.Row row) {
        if (!SENT.equals(row.state())) {
            return row;
        }
        if (hasLedgerRow(row.to().bank(), row.gid(), "CREDIT")) {
            log(row).transition(row.gid(), SENT, DONE, null, true, true, now());
            return reread(row);
        }
        if (now() > row.deadlineMs()) {
            // Published but still not credited after the timeout: the message may have gone to the dead-letter queue
            // (the credited bank was down through every redelivery). Publish it again; the inbox drops a second copy.
            boolean again = db(row.from().bank()).republish(creditEventId(row), timeout);
            if (again) {
                log.warn("Outbox transfer {} is not credited {} ms after it was debited; publishing its credit event again",
                        row.gid(), now() - row.createdMs());
            }
        }
        return row;
    }

    /**
     * Consumes one {@code transfer-credit} event: credits in one local transaction with the inbox row
     * and the {@code transfer} event, or does nothing for one already consumed.
     *
     * @return whether this call credited (false: a redelivery)
     */
    boolean consume(String eventId, String text) throws java.io.IOException {
        JsonNode event = json.readTree(text);
        String gid = event.get("transferId").asText();
        AccountRef from = new AccountRef(Bank.valueOf(event.get("from").get("bank").asText()), event.get("from").get("account").asText());
        AccountRef to = new AccountRef(Bank.valueOf(event.get("to").get("bank").asText()), event.get("to").get("account").asText());
        long amount = event.get("amountCents").asLong();
        PatternLog.Row row = new PatternLog.Row(gid, PatternMode.OUTBOX, SENT, null, null, from, to, amount,
                event.get("transferEventId").asText(), null, 0, event.get("createdMs").asLong(), 0, 0, null, null);
        try {
            db(to.bank()).inTransaction(gid, "credit (consumer)", jdbc -> {
                jdbc.update("INSERT INTO inbox_event (event_id, event_type, schema_name, business_key, payload) VALUES (?, ?, ?, ?, ?)",
                        eventId, CREDIT_EVENT, CREDIT_SCHEMA, gid, text);
                creditOrReject(to.bank(), to, amount, gid);
                addTransferEvent(to.bank(), row);
                faults.reach("outbox.credit.before-commit", gid);
                return null;
            });
        } catch (DuplicateKeyException e) {
            // The inbox row, the CREDIT ledger row or the transfer event's outbox row: each exists only if this event
            // was consumed before, so any of them means a redelivery.
            log.info("Credit event {} of transfer {} was already consumed; acknowledging the redelivery", eventId, gid);
            return false;
        }
        faults.reach("outbox.credit.after-commit", gid);
        // Only the log's view: the credit is committed whether or not this update makes it.
        logs.get(from.bank()).transition(gid, SENT, DONE, null, true, true, now());
        return true;
    }
}
