/**
 * The consistency checker behind {@code GET /api/consistency}: every invariant of the three flows
 * (money conserved, like counts, stock, exactly one consumed event per committed business
 * transaction, nothing left prepared) checked across both databases and the broker over plain, non-
 * XA connections, each with its figures. Reads only; the tests and the fault-injection suite call
 * it after every scenario.
 */
package dev.twophase.demo.consistency;
