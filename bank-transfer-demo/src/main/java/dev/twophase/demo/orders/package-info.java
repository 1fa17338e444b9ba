/**
 * The order flow: an order takes stock from the product row in bank A, writes the order row in bank
 * B and publishes the {@code order} event in one JTA transaction, bank A's lock always first, under
 * one of two {@link dev.twophase.demo.orders.OrderStrategy strategies} against concurrent buyers.
 * Its REST API, problems and the {@code twophase.orders.*} settings live here too.
 */
package dev.twophase.demo.orders;
