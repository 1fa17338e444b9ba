/**
 * The coordinator's recovery log, plugged into Atomikos through its public {@code OltpLogFactory}
 * service hook: {@link dev.twophase.coordinator.log.OnePhaseAwareLog} (Atomikos's file log without
 * the records one-phase transactions do not need) and the guard that refuses a log directory that
 * cannot be written or is locked by another coordinator. Further log stores (group commit, a
 * PostgreSQL store) belong here as other {@code OltpLogFactory} implementations. Reaches Atomikos
 * internals only through {@code dev.twophase.coordinator.atomikos}.
 */
package dev.twophase.coordinator.log;
