package dev.twophase.demo.transfer;

import java.time.Instant;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.patterns.PatternMode;

/**
 * A transfer run as a Saga, a TCC or through the outbox, as its log in {@code pattern_tx} holds it.
 *
 * @param id the transfer's id (the global id of its steps)
 * @param mode {@code SAGA}, {@code TCC} or {@code OUTBOX}
 * @param state where it is: {@code DONE} (debited and credited), {@code COMPENSATED} (Saga: debited,
 *        then refunded), {@code CANCELLED} (TCC: nothing spent), {@code REJECTED} (nothing done),
 *        {@code SENT} (outbox: debited, the credit is on its way), or a state in progress
 * @param failure the rejection that ended it, e.g. {@code unknown-account}, or {@code null}
 * @param createdAt when the request was logged
 * @param finishedAt when it reached its final state, or {@code null}
 */
public record PatternTransfer(String id, PatternMode mode, String state, String failure, String idempotencyKey, AccountRef from,
        AccountRef to, long amountCents, Instant createdAt, Instant finishedAt) {

    static PatternTransfer of(PatternLog.Row r) {
        return new PatternTransfer(r.gid(), r.mode(), r.state(), r.failure(), r.idempotencyKey(), r.from(), r.to(), r.amountCents(),
                Instant.ofEpochMilli(r.createdMs()), r.finishedMs() == null ? null : Instant.ofEpochMilli(r.finishedMs()));
    }
}
