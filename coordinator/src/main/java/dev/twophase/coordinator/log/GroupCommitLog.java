package dev.twophase.coordinator.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.recovery.LogException;
import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.OltpLog;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.RecoveryLog;
import com.atomikos.recovery.TxState;

/**
 * The coordinator's log with group commit: records that threads write at the same time are
 * appended to the {@link LogStore} together and made durable by one force, and no writer returns
 * before the force that covers its own record has succeeded.
 *
 * <p>Atomikos's own file log ({@code CachedRepository} over {@code FileSystemRepository}) writes
 * and forces each record under one process-wide lock, so N concurrent commits cost N serialised
 * fsyncs. Here a writer queues its record; if no write is in progress it becomes the leader, takes
 * everything queued, appends it with one force and wakes the writers it covered; writers that
 * arrive meanwhile queue for the next leader. Under load a batch grows to the number of waiting
 * writers; alone, a writer pays one force as before.
 *
 * <p>Semantics are those of Atomikos's {@code OltpLogImp}, {@code RecoveryLogImp},
 * {@code InMemoryRepository} and {@code CachedRepository}: the same validity checks on write,
 * records in a final state drop out, reads come from memory, a checkpoint every
 * {@code checkpointInterval} appends rewrites the live records (purging orphans older than their
 * expiry plus {@code forgetOrphanedDelay}, never heuristic ones). One difference: memory holds only
 * records whose force succeeded. A failed append fails every writer of its batch, and the next
 * append first checkpoints, so a partial write in the store can neither come back as a decision
 * nobody was told about nor hide the records after it.
 */
public final class GroupCommitLog implements OltpLog, RecoveryLog {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitLog.class);

    private final LogStore store;
    private final String tmName;
    private final long checkpointInterval;
    private final long forgetOrphanedDelayMillis;
    private final Map<String, PendingTransactionRecord> records = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    private List<Write> queue = new ArrayList<>();
    private boolean writing;
    private boolean checkpointDue;
    private long appendsSinceCheckpoint;
    private boolean closed;

    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedForces = new AtomicLong();
    /**
     * Commit decisions (COMMITTING records) whose write failed, until a checkpoint succeeded after the
     * failure ({@code false}) and from then on ({@code true}): then the store provably lacks them.
     * Atomikos answers such a commit with a RollbackException and keeps the coordinator in memory,
     * IN_DOUBT, until its in-doubt timeout; recovery may roll its branches back at once
     * ({@link #decisionRefused}). Bounded: the oldest entries go first.
     */
    private final Map<String, Boolean> refusedDecisions = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<String, Boolean>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            });

    /**
     * COMMITTING records being appended whose decision is already durable elsewhere ({@link #appendDecided}):
     * a failed append keeps them in memory instead of refusing them. Concurrent, so that the commit path takes
     * no extra turn on {@link #lock}.
     */
    private final Set<String> decidedElsewhere = ConcurrentHashMap.newKeySet();

    /** One writer's records and, once a leader has written them, the result. */
    private static final class Write {
        final List<PendingTransactionRecord> records;
        boolean done;
        LogWriteException failure;

        Write(List<PendingTransactionRecord> records) {
            this.records = records;
        }
    }

    /**
     * Opens the log over a store: loads its records and checkpoints them (as Atomikos does at start).
     *
     * @param tmName this coordinator's unique name (Atomikos's recovery domain)
     * @param checkpointInterval appends between two checkpoints (Atomikos's checkpoint_interval)
     * @param forgetOrphanedDelayMillis Atomikos's forget_orphaned_log_entries_delay
     */
    public GroupCommitLog(LogStore store, String tmName, long checkpointInterval, long forgetOrphanedDelayMillis)
            throws LogException {
        this.store = store;
        this.tmName = tmName;
        this.checkpointInterval = Math.max(1, checkpointInterval);
        this.forgetOrphanedDelayMillis = forgetOrphanedDelayMillis;
        try {
            for (PendingTransactionRecord r : store.load()) {
                apply(r);
            }
            checkpoint();
        } catch (LogException | RuntimeException e) {
            // Release the store's lock or lease: a retry, or another instance, must be able to open it.
            store.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // OltpLog

    @Override
    public void write(PendingTransactionRecord record) throws LogWriteException {
        checkWritable(record);
        if (!record.state.isRecoverableState()) {
            LOG.warn("Not logging a record in state {}, which recovery does not use: {}", record.state, record.id);
            return;
        }
        append(List.of(record));
    }

    /**
     * Atomikos's OltpLogImp rules: an expired transaction may no longer be logged in doubt, nor as
     * committing once recovery may have presumed it aborted.
     *
     * @throws IllegalArgumentException as Atomikos's log does, when the record may not be written
     */
    void checkWritable(PendingTransactionRecord record) {
        TxState state = record.state;
        if (record.expires < System.currentTimeMillis()) {
            if (state == TxState.IN_DOUBT) {
                throw new IllegalArgumentException("Transaction has expired - " + state + " no longer allowed");
            } else if (state == TxState.COMMITTING && record.isRecoveredByDomain(tmName)) {
                throw new IllegalArgumentException("Transaction may have been subject to abort by recovery - COMMITTING no longer allowed");
            }
        }
    }

    /**
     * Writes a COMMITTING record whose decision is already durable elsewhere (the last resource's
     * table, {@link LastResource}): the transaction is committed whatever this write does. When the
     * write fails, the record is kept in memory all the same, so that this process's recovery commits
     * the other participants, and the next checkpoint writes it; a crash before that finds the decision
     * in the table again. Never throws.
     */
    void appendDecided(PendingTransactionRecord record) {
        // Marked before the append: the leader that sees the append fail must never count it as a refused
        // decision, not even for a moment (a recovery pass then would roll the other branches back).
        decidedElsewhere.add(record.id);
        try {
            append(List.of(record));
        } catch (LogWriteException e) {
            LOG.error("The COMMITTING record of {} could not be written; its decision is durable in the last resource's table,"
                    + " this log keeps it in memory and writes it at its next checkpoint", record.id);
        } finally {
            decidedElsewhere.remove(record.id);
        }
    }

    /**
     * A commit decision that was never taken: the last resource rolled back, so no COMMITTING record
     * was written. Recovery may roll the other branches back at once ({@link #decisionRefused}).
     */
    void refuse(String coordinatorId) {
        refusedDecisions.put(coordinatorId, Boolean.TRUE);
    }

    /** Those of these transactions the log holds as COMMITTING (after {@link #adoptDecisions}: the decisions it carries). */
    List<String> committingAmong(Collection<String> coordinatorIds) {
        List<String> committing = new ArrayList<>();
        for (String id : coordinatorIds) {
            PendingTransactionRecord known = records.get(id);
            if (known != null && known.state == TxState.COMMITTING) {
                committing.add(id);
            }
        }
        return committing;
    }

    /**
     * Adds a COMMITTING record for each of these transactions that the log lacks (the last resource's
     * rows, read when the log opens): their commit decision is durable there, so recovery must commit
     * their other branches rather than presume abort. Written durably in one append; expired at once,
     * so that the first recovery pass acts on them.
     *
     * @return the ids added
     */
    List<String> adoptDecisions(Collection<String> coordinatorIds) throws LogWriteException {
        long now = System.currentTimeMillis();
        List<PendingTransactionRecord> adopted = new ArrayList<>();
        for (String id : coordinatorIds) {
            PendingTransactionRecord known = records.get(id);
            if (known == null) {
                adopted.add(new PendingTransactionRecord(id, TxState.COMMITTING, now - 1, tmName));
            } else if (known.state != TxState.COMMITTING) {
                LOG.warn("The last resource committed {} but this log holds it as {}; leaving it to the operator", id, known.state);
            }
        }
        if (!adopted.isEmpty()) {
            append(adopted);
            LOG.info("Adopted {} commit decision(s) from the last resource's table that the log lacked: {}", adopted.size(),
                    adopted.stream().map(r -> r.id).toList());
        }
        return adopted.stream().map(r -> r.id).toList();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            boolean interrupted = false;
            while (writing) {
                interrupted |= awaitUninterruptibly();
            }
            // Writers still queued are told the log is closed; none of them becomes leader after this.
            LogWriteException closing = new LogWriteException(new IOException("the coordinator log " + store.describe() + " is closed"));
            for (Write w : queue) {
                w.done = true;
                w.failure = closing;
            }
            queue = new ArrayList<>();
            lock.notifyAll();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
        records.clear();
    }

    // ---------------------------------------------------------------------------------------------
    // RecoveryLog

    /** False once the store was taken over by another process: Atomikos then leaves recovery to the new owner. */
    @Override
    public boolean isActive() {
        return store.owned();
    }

    @Override
    public void closing() {
        // The OLTP side closes the store.
    }

    @Override
    public void closed() {
    }

    @Override
    public Collection<PendingTransactionRecord> getPendingTransactionRecords() {
        return new ArrayList<>(records.values());
    }

    @Override
    public PendingTransactionRecord get(String coordinatorId) throws LogReadException {
        return records.get(coordinatorId);
    }

    @Override
    public Collection<PendingTransactionRecord> getIndoubtTransactionRecords() throws LogReadException {
        return PendingTransactionRecord.collectLineages(r -> r.state == TxState.IN_DOUBT, getPendingTransactionRecords());
    }

    @Override
    public Collection<PendingTransactionRecord> getExpiredPendingCommittingTransactionRecordsAt(long time) throws LogReadException {
        return PendingTransactionRecord.collectLineages(
                r -> r.isLocalRoot(tmName) && r.expires < time && r.state == TxState.COMMITTING, committing());
    }

    @Override
    public void recordAsCommitting(String coordinatorId) throws LogException {
        PendingTransactionRecord entry = records.get(coordinatorId);
        if (entry == null) {
            LOG.warn("Cannot record {} as committing: the log holds no record of it", coordinatorId);
            return;
        }
        append(List.of(entry.markAsCommitting()));
    }

    @Override
    public void forget(String coordinatorId) {
        PendingTransactionRecord entry = records.get(coordinatorId);
        if (entry != null) {
            forgetAll(List.of(entry));
        }
    }

    @Override
    public void forgetTransactionRecords(Collection<PendingTransactionRecord> coordinators) {
        forgetAll(coordinators);
    }

    /** Terminated records for these transactions, in one append; a failure leaves them for the next recovery pass. */
    private void forgetAll(Collection<PendingTransactionRecord> coordinators) {
        if (coordinators.isEmpty()) {
            return;
        }
        List<PendingTransactionRecord> terminated = coordinators.stream().map(PendingTransactionRecord::markAsTerminated).toList();
        try {
            append(terminated);
        } catch (LogWriteException e) {
            // Recovery finds the same records again on its next pass and forgets them then.
            LOG.warn("Could not log {} finished transaction(s) as terminated; recovery will try again: {}", terminated.size(),
                    e.getCause() == null ? e.toString() : e.getCause().getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Group commit

    /** Appends the records durably, batched with those of concurrent writers; returns once they are forced. */
    void append(List<PendingTransactionRecord> batchOfOne) throws LogWriteException {
        // An interrupted thread must neither leave before its record's force nor run the force itself:
        // an interrupt closes a FileChannel in the middle of I/O, for every later writer. The flag is
        // cleared here and restored on the way out.
        boolean interrupted = Thread.interrupted();
        try {
            appendAsLeaderOrFollower(new Write(batchOfOne));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void appendAsLeaderOrFollower(Write mine) throws LogWriteException {
        List<Write> batch;
        synchronized (lock) {
            if (closed) {
                throw new LogWriteException(new IOException("the coordinator log " + store.describe() + " is closed"));
            }
            queue.add(mine);
            boolean interrupted = false;
            while (writing && !mine.done) {
                interrupted |= awaitUninterruptibly();
            }
            if (interrupted) {
                // Restored by append() once this write is over.
                Thread.currentThread().interrupt();
            }
            if (mine.done) {
                resultOf(mine);
                return;
            }
            if (closed) {
                throw new LogWriteException(new IOException("the coordinator log " + store.describe() + " is closed"));
            }
            writing = true;
            batch = queue;
            queue = new ArrayList<>();
        }
        boolean interruptedMeanwhile = Thread.interrupted();
        LogWriteException failure = null;
        List<PendingTransactionRecord> all = new ArrayList<>();
        for (Write w : batch) {
            all.addAll(w.records);
        }
        try {
            try {
                if (checkpointDue || appendsSinceCheckpoint >= checkpointInterval) {
                    checkpoint();
                }
                if (!all.isEmpty()) {
                    store.append(all);
                    forces.incrementAndGet();
                }
            } catch (LogWriteException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                failure = new LogWriteException(e);
            }
            if (failure != null) {
                failedForces.incrementAndGet();
                checkpointDue = true;
                for (PendingTransactionRecord r : all) {
                    if (r.state == TxState.COMMITTING && decidedElsewhere.contains(r.id)) {
                        // Decided all the same (the last resource committed): kept, and written by the checkpoint below.
                        apply(r);
                    } else if (r.state == TxState.COMMITTING) {
                        refusedDecisions.put(r.id, Boolean.FALSE);
                    }
                }
                LOG.error("Writing {} record(s) to the coordinator log {} failed; their transactions are told so",
                        all.size(), store.describe(), failure.getCause() == null ? failure : failure.getCause());
                // Rewrite the store at once, without the failed batch, before anyone is told: a crash
                // before the next append must not find those records.
                try {
                    checkpoint();
                } catch (LogWriteException | RuntimeException again) {
                    LOG.error("The coordinator log {} could not be rewritten after the failed write either; every write fails"
                            + " until it can", store.describe());
                }
            }
        } finally {
            synchronized (lock) {
                if (failure == null) {
                    all.forEach(this::apply);
                    written.addAndGet(all.size());
                    appendsSinceCheckpoint += all.size();
                }
                for (Write w : batch) {
                    w.done = true;
                    w.failure = failure;
                }
                writing = false;
                lock.notifyAll();
            }
        }
        if (interruptedMeanwhile) {
            Thread.currentThread().interrupt();
        }
        resultOf(mine);
    }

    private static void resultOf(Write w) throws LogWriteException {
        if (w.failure != null) {
            throw w.failure;
        }
    }

    /** Rewrites the store with the live records (called by the leader, or at start). */
    private void checkpoint() throws LogWriteException {
        long now = System.currentTimeMillis();
        List<PendingTransactionRecord> live = new ArrayList<>();
        for (PendingTransactionRecord r : records.values()) {
            if (r.expires + forgetOrphanedDelayMillis < now && !r.state.isHeuristic()) {
                // As Atomikos's CachedRepository: a commit or abort whose TERMINATED never made it to the log.
                LOG.warn("Purging orphaned entry from log: {}", r.toRecord().strip());
                records.remove(r.id, r);
            } else {
                live.add(r);
            }
        }
        store.checkpoint(live);
        checkpointDue = false;
        appendsSinceCheckpoint = 0;
        // The store now holds exactly the live records: a commit decision whose write failed before is provably not in it.
        refusedDecisions.replaceAll((id, settled) -> Boolean.TRUE);
    }

    /**
     * Whether this transaction's commit decision was refused: its COMMITTING record's write failed
     * (Atomikos then rolls the transaction back to its caller), and a checkpoint since has rewritten the
     * store without it, so no restart can find the decision. Recovery may presume abort for its branches
     * although Atomikos still holds its coordinator, IN_DOUBT, in memory.
     */
    public boolean decisionRefused(String coordinatorId) {
        Boolean settled = refusedDecisions.get(coordinatorId);
        if (Boolean.FALSE.equals(settled)) {
            // Not yet rewritten (the store was still failing): try the overdue checkpoint now, as the next append would.
            try {
                appendAsLeaderOrFollower(new Write(List.of()));
            } catch (LogWriteException stillFailing) {
                return false;
            }
            settled = refusedDecisions.get(coordinatorId);
        }
        return Boolean.TRUE.equals(settled);
    }

    /** Whether a refusal of this commit decision is recorded, settled or not (tests). */
    boolean refusalRecorded(String coordinatorId) {
        return refusedDecisions.containsKey(coordinatorId);
    }

    private void apply(PendingTransactionRecord r) {
        if (r.state.isFinalState()) {
            records.remove(r.id);
        } else {
            records.put(r.id, r);
        }
    }

    /** COMMITTING records, and IN_DOUBT ones under a committing superior (InMemoryRepository's rule). */
    private Collection<PendingTransactionRecord> committing() {
        Set<PendingTransactionRecord> result = new HashSet<>();
        for (PendingTransactionRecord r : records.values()) {
            if (r.state == TxState.COMMITTING || (r.state == TxState.IN_DOUBT && committingSuperior(r))) {
                result.add(r);
            }
        }
        return result;
    }

    private boolean committingSuperior(PendingTransactionRecord r) {
        Set<String> seen = new HashSet<>();
        PendingTransactionRecord current = r;
        while (current.superiorId != null && seen.add(current.superiorId)) {
            PendingTransactionRecord superior = records.get(current.superiorId);
            if (superior == null) {
                return false;
            }
            if (superior.state == TxState.COMMITTING) {
                return true;
            }
            current = superior;
        }
        return false;
    }

    /** Waits on the lock; true if the thread was interrupted meanwhile (the caller restores the flag when it is done). */
    private boolean awaitUninterruptibly() {
        try {
            lock.wait();
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    /** How many writers wait for the next force (tests). */
    int queued() {
        synchronized (lock) {
            return writing ? queue.size() : 0;
        }
    }

    /** Counters for metrics and the benchmark. */
    public Stats stats() {
        return new Stats(forces.get(), written.get(), failedForces.get(), store.describe());
    }

    /**
     * @param forces successful appends, each one force of the store
     * @param records records those forces made durable
     * @param failedForces appends that failed (their writers were told)
     * @param store what the store is
     */
    public record Stats(long forces, long records, long failedForces, String store) {
    }
}
