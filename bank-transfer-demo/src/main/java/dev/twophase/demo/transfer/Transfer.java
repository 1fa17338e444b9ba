package dev.twophase.demo.transfer;

import java.time.Instant;

import dev.twophase.demo.bank.AccountRef;

/**
 * A committed transfer.
 *
 * @param id server-assigned id
 * @param idempotencyKey the client's key
 * @param from debited account
 * @param to credited account
 * @param amountCents amount in cents
 * @param createdAt when it was committed (database time of the registry row)
 */
public record Transfer(String id, String idempotencyKey, AccountRef from, AccountRef to, long amountCents, Instant createdAt) {
}
