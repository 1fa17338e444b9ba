package dev.twophase.demo.orders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.Outbox;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * The order through the transactional outbox (reliable events):
 * <ol>
 * <li>In <em>one</em> local transaction of bank A: the log row ({@code SENT}), the stock taken, and an
 * {@code order-create} event in bank A's outbox. The request is answered now: 202, the order row is
 * on its way. Too little stock or an unknown product refuses here, and nothing changes.</li>
 * <li>Bank A's outbox relay publishes the event to queue {@value #CREATES}, at least once.</li>
 * <li>{@link #consume}: in one local transaction of bank B, the event id in its {@code inbox_event}
 * (a redelivery finds it and does nothing), the order row and the {@code order} event in bank B's
 * outbox. Then the log row becomes {@code DONE}.</li>
 * </ol>
 * Nothing after the first step can be refused or undone. Recovery: a row left {@code SENT} whose
 * order row exists is set {@code DONE}; one still without it after the timeout has its create event
 * published again (it may have gone to the dead-letter queue while bank B was down).
 */
final class OutboxOrder extends OrderPattern {

    private static final Logger log = LoggerFactory.getLogger(OutboxOrder.class);

    /** The queue of {@code order-create} events. */
    static final String CREATES = "order-creates";
    static final String CREATE_EVENT = "order-create";
    static final String CREATE_SCHEMA = "twophase.order-create.v1";
    static final String SENT = "SENT";

    static final List<String> CRASH_POINTS = List.of("outbox-order.take.before-commit", "outbox-order.take.after-commit",
            "outbox-order.create.before-commit", "outbox-order.create.after-commit");

    OutboxOrder(LocalDatabase bankA, LocalDatabase bankB, OrderLog orderLog, PatternFaults faults, ObjectMapper json, Duration timeout) {
        super(bankA, bankB, orderLog, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.OUTBOX;
    }

    @Override
    OrderLog.Row newRow(OrderRequest request) {
        return newRow(request, SENT, true);
    }

    @Override
    OrderLog.Row start(OrderLog.Row row) {
        bankA.inTransaction(row.gid(), "stock + event", jdbc -> {
            orderLog.insert(row);
            takeOrReject(jdbc, row);
            ObjectNode body = json.createObjectNode().put("schema", CREATE_SCHEMA).put("eventId", createEventId(row.gid()))
                    .put("eventType", CREATE_EVENT).put("businessKey", row.gid()).put("orderId", row.gid())
                    .put("orderEventId", row.eventId()).put("sku", row.sku()).put("quantity", row.quantity())
                    .put("userId", row.userId()).put("strategy", row.strategy().name()).put("createdMs", row.createdMs());
            bankA.addToOutbox(new Outbox.Event(createEventId(row.gid()), CREATES, CREATE_EVENT, row.gid(), write(body)));
            faults.reach("outbox-order.take.before-commit", row.gid());
            return null;
        });
        faults.reach("outbox-order.take.after-commit", row.gid());
        return row;
    }

    /** The create event's id: one per order, derived from it. */
    static String createEventId(String gid) {
        return UUID.nameUUIDFromBytes(("order-create:" + gid).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Recovery: {@code SENT} becomes {@code DONE} once the order row exists; until then the events are on their way. */
    @Override
    OrderLog.Row drive(OrderLog.Row row) {
        if (!SENT.equals(row.state())) {
            return row;
        }
        if (hasOrderRow(row.gid())) {
            orderLog.transition(row.gid(), SENT, DONE, null, true, true, now());
            return reread(row);
        }
        if (now() > row.deadlineMs()) {
            boolean again = bankA.republish(createEventId(row.gid()), timeout);
            if (again) {
                log.warn("Outbox order {} has no order row {} ms after its stock was taken; publishing its create event again",
                        row.gid(), now() - row.createdMs());
            }
        }
        return row;
    }

    /**
     * Consumes one {@code order-create} event: the order row in one local transaction with the inbox
     * row and the {@code order} event, or nothing for one already consumed.
     *
     * @return whether this call wrote the order (false: a redelivery)
     */
    boolean consume(String eventId, String text) throws IOException {
        JsonNode event = json.readTree(text);
        String gid = event.get("orderId").asText();
        OrderLog.Row row = new OrderLog.Row(gid, PatternMode.OUTBOX, SENT, event.get("sku").asText(), event.get("quantity").asInt(),
                event.get("userId").asText(), OrderStrategy.valueOf(event.get("strategy").asText()), event.get("orderEventId").asText(),
                null, 0, event.get("createdMs").asLong(), 0, 0, null, null);
        try {
            bankB.inTransaction(gid, "order row (consumer)", jdbc -> {
                jdbc.update("INSERT INTO inbox_event (event_id, event_type, schema_name, business_key, payload) VALUES (?, ?, ?, ?, ?)",
                        eventId, CREATE_EVENT, CREATE_SCHEMA, gid, text);
                placeOrder(jdbc, row);
                addOrderEvent(bankB, row);
                faults.reach("outbox-order.create.before-commit", gid);
                return null;
            });
        } catch (DuplicateKeyException e) {
            // The inbox row, the order row or the order event's outbox row: each exists only if this event was consumed.
            log.info("Create event {} of order {} was already consumed; acknowledging the redelivery", eventId, gid);
            return false;
        }
        faults.reach("outbox-order.create.after-commit", gid);
        // Only the log's view: the order is committed whether or not this update makes it.
        orderLog.transition(gid, SENT, DONE, null, true, true, now());
        return true;
    }
}
