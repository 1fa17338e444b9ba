/**
 * The building blocks of the alternatives to XA (issue 15), on plain local transactions of the same
 * two databases: the branch barrier that makes Saga and TCC steps idempotent and safe against a null
 * compensation and a hanging try, the transactional outbox and its relays, local databases, the
 * modes, their crash points and settings. The transfer's Saga, TCC and outbox engines that use them
 * are in {@code dev.twophase.demo.transfer}.
 */
package dev.twophase.demo.patterns;
