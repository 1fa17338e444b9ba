/**
 * Every dependency of twophase on Atomikos internals, and only those; nothing outside this package
 * uses {@code setAccessible} or Atomikos implementation classes. The list, checked at startup by
 * {@link dev.twophase.coordinator.atomikos.AtomikosInternals#verify()} (a startup error naming the
 * Atomikos version when one is missing):
 * <ol>
 * <li>the private field {@code TransactionServiceImp.single_threaded_2pc_}, flipped by
 *     {@link dev.twophase.coordinator.atomikos.ParallelPhases} for {@code twophase.coordinator.parallel-phases};</li>
 * <li>the private method {@code XATransactionalResource.refreshXAResource()}, called by
 *     {@link dev.twophase.coordinator.atomikos.RecoveryConnections} to renew a dead recovery connection;</li>
 * <li>the implementation class {@code CoordinatorImp} ({@code getCoordinatorId}, {@code getParticipants}),
 *     read by {@link dev.twophase.coordinator.atomikos.LiveCoordinators} to tell one-phase transactions;</li>
 * <li>the file log classes of {@code com.atomikos.recovery.fs}, assembled as Atomikos's own assembler does by
 *     {@link dev.twophase.coordinator.atomikos.FileLogAssembly} ({@code log-store=atomikos});</li>
 * <li>the log files' rotation and lock, {@code com.atomikos.util.VersionedFile} and
 *     {@code com.atomikos.persistence.imp.LogFileLock}, used by
 *     {@link dev.twophase.coordinator.atomikos.AtomikosLogFiles} for the group-commit log's file store;</li>
 * <li>{@code com.atomikos.datasource.xa.jms.JmsTransactionalResource}, registered by
 *     {@link dev.twophase.coordinator.atomikos.JmsRecovery} for a pooled-jms broker pool;</li>
 * <li>the transaction id format of {@code com.atomikos.util.UniqueIdMgr}, parsed by
 *     {@link dev.twophase.coordinator.atomikos.TransactionIds};</li>
 * <li>the pool bean class names {@link dev.twophase.coordinator.atomikos.AtomikosInternals#POOL_BEAN_TYPES}.</li>
 * </ol>
 * Public Atomikos API ({@code com.atomikos.icatch.config.Configuration}, {@code RecoveryLog},
 * {@code OltpLogFactory}, {@code TransactionServicePlugin}, the pool beans) may be used elsewhere.
 */
package dev.twophase.coordinator.atomikos;
