package dev.twophase.demo.orders;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.orders.OrderRejectedException.Reason;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.Outbox;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * What the Saga, TCC and outbox orders share: bank A (the stock and the log) and bank B (the orders)
 * as plain local databases, the crash points, the {@code order} event, and the statements on stock
 * and orders. Every change of stock bumps the product's version, so an optimistic XA order that
 * read the product before sees the change and retries.
 */
abstract class OrderPattern {

    private static final Logger log = LoggerFactory.getLogger(OrderPattern.class);

    /** The final states every mode can end in. */
    static final String DONE = "DONE";
    static final String REJECTED = "REJECTED";

    final LocalDatabase bankA;
    final LocalDatabase bankB;
    final OrderLog orderLog;
    final PatternFaults faults;
    final ObjectMapper json;
    final Duration timeout;

    OrderPattern(LocalDatabase bankA, LocalDatabase bankB, OrderLog orderLog, PatternFaults faults, ObjectMapper json, Duration timeout) {
        this.bankA = bankA;
        this.bankB = bankB;
        this.orderLog = orderLog;
        this.faults = faults;
        this.json = json;
        this.timeout = timeout;
    }

    abstract PatternMode mode();

    /** A new order's log row, in this mode's first state; not written yet. */
    abstract OrderLog.Row newRow(OrderRequest request);

    /**
     * Logs a new order ({@link #newRow}) and drives it as far as it goes now.
     *
     * @throws OrderRejectedException when a step was refused; the log row says what was undone
     */
    abstract OrderLog.Row start(OrderLog.Row row);

    /**
     * Drives an order from the state in its log to a final state (or, for the outbox, as far as this
     * side can). Safe from several threads or instances at once: steps run under the branch barrier,
     * changes of state are compare-and-sets.
     *
     * @throws OrderRejectedException when a step was refused on this call
     */
    abstract OrderLog.Row drive(OrderLog.Row row);

    OrderLog.Row newRow(OrderRequest request, String state, boolean exposed) {
        long now = now();
        return new OrderLog.Row(UUID.randomUUID().toString(), mode(), state, request.sku(), request.quantity(), request.userId(),
                request.strategy(), EventPublisher.newEventId(), null, 0, now, now, now + timeout.toMillis(), exposed ? now : null, null);
    }

    /** Writes a new order's log row in its own local transaction (Saga and TCC). */
    OrderLog.Row logged(OrderLog.Row row) {
        bankA.inTransaction(jdbc -> {
            orderLog.insert(row);
            return null;
        });
        return row;
    }

    /**
     * The last step of a Saga or TCC: {@code from} → {@code DONE} and the {@code order} event in bank
     * A's outbox, in one local transaction; the event only if this call made the transition.
     */
    OrderLog.Row finish(OrderLog.Row row, String from, String beforeCommit) {
        bankA.inTransaction(jdbc -> {
            if (orderLog.transition(row.gid(), from, DONE, null, true, true, now())) {
                addOrderEvent(bankA, row);
            }
            if (beforeCommit != null) {
                faults.reach(beforeCommit, row.gid());
            }
            return null;
        });
        return reread(row);
    }

    OrderLog.Row reread(OrderLog.Row row) {
        return orderLog.find(row.gid()).orElseThrow(() -> new IllegalStateException("order " + row.gid() + " left its log"));
    }

    /** Makes a transition; when another thread made one first, returns the row as it is now, for the caller to follow. */
    OrderLog.Row move(OrderLog.Row row, String next, String failure, boolean exposed, boolean finished) {
        orderLog.transition(row.gid(), row.state(), next, failure, exposed, finished, now());
        return reread(row);
    }

    /**
     * Takes the quantity from the product's stock, if what is not held by a TCC try covers it: one
     * conditional update, so it needs no lock of its own (the request's strategy is recorded with the
     * order, not used).
     *
     * @throws OrderRejectedException out of stock or unknown product; the caller's transaction rolls back
     */
    static void takeOrReject(JdbcTemplate bankA, OrderLog.Row row) {
        if (bankA.update("UPDATE product SET stock = stock - ?, version = version + 1 WHERE sku = ? AND stock - held_stock >= ?",
                row.quantity(), row.sku(), row.quantity()) == 0) {
            throw refusal(bankA, row);
        }
    }

    /** The refusal of a take or hold that updated nothing: the product is unknown or has too little left. */
    static OrderRejectedException refusal(JdbcTemplate bankA, OrderLog.Row row) {
        var left = bankA.queryForList("SELECT stock - held_stock FROM product WHERE sku = ?", Integer.class, row.sku());
        if (left.isEmpty()) {
            return new OrderRejectedException(Reason.UNKNOWN_PRODUCT, "There is no product with sku '" + row.sku() + "'.");
        }
        return new OrderRejectedException(Reason.OUT_OF_STOCK,
                "Product " + row.sku() + " has " + left.get(0) + " left; the order asked for " + row.quantity() + ".");
    }

    /** Gives the quantity back to the stock (a Saga's compensation). */
    static void putBack(JdbcTemplate bankA, OrderLog.Row row) {
        if (bankA.update("UPDATE product SET stock = stock + ?, version = version + 1 WHERE sku = ?", row.quantity(), row.sku()) != 1) {
            throw new IllegalStateException("product " + row.sku() + " vanished while order " + row.gid() + " was compensated");
        }
    }

    /** The order's row in bank B, keyed by the order's id: a second insert fails on the primary key. */
    static void placeOrder(JdbcTemplate bankB, OrderLog.Row row) {
        bankB.update("INSERT INTO purchase_order (id, sku, quantity, user_id, strategy, event_id) VALUES (?, ?, ?, ?, ?, ?)",
                row.gid(), row.sku(), row.quantity(), row.userId(), row.strategy().name(), row.eventId());
    }

    boolean hasOrderRow(String gid) {
        Integer n = bankB.jdbc().queryForObject("SELECT COUNT(*) FROM purchase_order WHERE id = ?", Integer.class, gid);
        return n != null && n > 0;
    }

    /** Adds the {@code order} event (schema twophase.order.v1, as the XA flow's, with the mode) to {@code db}'s outbox. */
    void addOrderEvent(LocalDatabase db, OrderLog.Row r) {
        ObjectNode body = json.createObjectNode()
                .put("schema", OrderEvents.SCHEMA)
                .put("eventId", r.eventId())
                .put("eventType", OrderEvents.TYPE)
                .put("businessKey", r.gid())
                .put("occurredAt", Instant.now().toString())
                .put("mode", r.mode().name())
                .put("orderId", r.gid())
                .put("sku", r.sku())
                .put("quantity", r.quantity())
                .put("userId", r.userId())
                .put("strategy", r.strategy().name());
        db.addToOutbox(new Outbox.Event(r.eventId(), EventPublisher.ORDERS, OrderEvents.TYPE, r.gid(), write(body)));
    }

    String write(ObjectNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an event", e);
        }
    }

    /**
     * The rejection a finished row records.
     *
     * @param refused the rejection this call met, or {@code null}
     */
    static OrderRejectedException rejection(OrderLog.Row r, OrderRejectedException refused) {
        String what = switch (r.state()) {
            case "COMPENSATED" -> " Any stock it had taken was put back.";
            case "CANCELLED" -> " Any stock its try held was released: nothing was taken.";
            default -> " Nothing was changed.";
        };
        if (refused != null && refused.reason().slug().equals(r.failure())) {
            return new OrderRejectedException(refused.reason(), refused.getMessage() + what);
        }
        if (Reason.OUT_OF_STOCK.slug().equals(r.failure())) {
            return new OrderRejectedException(Reason.OUT_OF_STOCK, "Product " + r.sku() + " had less than " + r.quantity() + " left." + what);
        }
        if (Reason.UNKNOWN_PRODUCT.slug().equals(r.failure())) {
            return new OrderRejectedException(Reason.UNKNOWN_PRODUCT, "There is no product with sku '" + r.sku() + "'." + what);
        }
        return new OrderRejectedException(Reason.TIMED_OUT, "Order " + r.gid() + " did not finish within the " + r.mode()
                + " timeout, or stalled until recovery took it, and was undone." + what);
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static void logOutcome(OrderLog.Row r) {
        log.debug("{} order {} is {}", r.mode(), r.gid(), r.state());
    }
}
