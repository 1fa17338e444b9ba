/**
 * The coordinator's recovery log, plugged into Atomikos through its public {@code OltpLogFactory}
 * service hook ({@link dev.twophase.coordinator.log.OnePhaseAwareLog.Factory}):
 * <ul>
 * <li>{@link dev.twophase.coordinator.log.OnePhaseAwareLog} - what Atomikos sees; drops the records
 *     of one-phase transactions and passes the rest on;</li>
 * <li>{@link dev.twophase.coordinator.log.GroupCommitLog} - Atomikos's log semantics with group
 *     commit: concurrent records share one force, no writer returns before its record is durable;</li>
 * <li>{@link dev.twophase.coordinator.log.LogStore} - where records are kept:
 *     {@link dev.twophase.coordinator.log.FileLogStore} (Atomikos's own tmlog files) and
 *     {@link dev.twophase.coordinator.log.PostgresLogStore} (a row per pending transaction, a lease
 *     and a fencing epoch per TM name; schema applied by PostgresLogSchema);</li>
 * <li>{@link dev.twophase.coordinator.log.LogStores} - the choice of {@code twophase.coordinator.log-store};</li>
 * <li>{@link dev.twophase.coordinator.log.LogDirectoryGuard} - refuses a log directory that cannot be
 *     written or is locked by another coordinator.</li>
 * </ul>
 * Reaches Atomikos internals only through {@code dev.twophase.coordinator.atomikos}. See docs/coordinator-log.md.
 */
package dev.twophase.coordinator.log;
