/**
 * The transfer flow: a transfer debits one bank, credits the other, writes a ledger row on each
 * side and the registry row (unique per idempotency key, written first) in bank A, and publishes
 * the {@code transfers} event, all in one JTA transaction. Its REST API and problems live here too.
 */
package dev.twophase.demo.transfer;
