/**
 * Micrometer meters of the coordinator: transaction outcomes, the {@code twophase.xa.phase} timers (a
 * link of the XA chain with its own composite registry, bound to the application's by Boot), and
 * recovery passes and in-doubt gauges. Instances are beans; nothing here is static state.
 */
package dev.twophase.coordinator.metrics;
