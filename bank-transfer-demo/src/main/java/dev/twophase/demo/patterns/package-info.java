/**
 * The alternatives to XA on the demo's flows (issue 15): Saga, TCC and the transactional outbox, each
 * built on plain local transactions of the same two databases. So far it holds the branch barrier
 * that makes their steps idempotent and safe against a null compensation and a hanging try.
 */
package dev.twophase.demo.patterns;
