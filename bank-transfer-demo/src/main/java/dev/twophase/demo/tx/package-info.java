/**
 * Transaction helpers shared by the flows: {@link dev.twophase.demo.tx.FlowTransactions} starts the
 * flows' transactions, runs one again after a lost connection and reports an unexpected failure of
 * the work as rolled back; {@link dev.twophase.demo.tx.DeadlockRetry} runs a whole transaction
 * again when the database chose it as a deadlock victim; {@link dev.twophase.demo.tx.LocalPools} configures
 * the plain (non-XA) pools of the Saga, TCC and outbox flows and of the consistency checker. Only for work that starts its own
 * transaction; depends on Spring's exception hierarchy, nothing of the flows.
 */
package dev.twophase.demo.tx;
