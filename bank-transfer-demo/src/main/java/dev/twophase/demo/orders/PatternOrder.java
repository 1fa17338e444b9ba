package dev.twophase.demo.orders;

import java.time.Instant;

import dev.twophase.demo.patterns.PatternMode;

/**
 * An order run as a Saga, a TCC or through the outbox, as its log in {@code pattern_tx} holds it.
 *
 * @param id the order's id (the global id of its steps, and the id of its order row once written)
 * @param mode {@code SAGA}, {@code TCC} or {@code OUTBOX}
 * @param state {@code DONE} (stock taken, order written), {@code COMPENSATED} (Saga: stock taken, then
 *        put back), {@code CANCELLED} (TCC: stock held, then released), {@code REJECTED} (nothing done),
 *        {@code SENT} (outbox: stock taken, the order row is on its way), or a state in progress
 * @param failure the rejection that ended it, e.g. {@code out-of-stock}, or {@code null}
 */
public record PatternOrder(String id, PatternMode mode, String state, String failure, String sku, int quantity, String userId,
        OrderStrategy strategy, Instant createdAt, Instant finishedAt) {

    static PatternOrder of(OrderLog.Row r) {
        return new PatternOrder(r.gid(), r.mode(), r.state(), r.failure(), r.sku(), r.quantity(), r.userId(), r.strategy(),
                Instant.ofEpochMilli(r.createdMs()), r.finishedMs() == null ? null : Instant.ofEpochMilli(r.finishedMs()));
    }
}
