package dev.twophase.coordinator.log;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import com.atomikos.recovery.LogException;
import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.OltpLog;
import com.atomikos.recovery.OltpLogFactory;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.RecoveryLog;
import com.atomikos.recovery.TxState;

import dev.twophase.coordinator.atomikos.LiveCoordinators;

/**
 * The coordinator log Atomikos uses ({@link GroupCommitLog} over a {@link LogStore}, or Atomikos's own
 * file log), except for transactions with a single participant, whose records it does not write.
 *
 * <p>Atomikos 6 logs and forces COMMITTING and then TERMINATED for every transaction with at least
 * one participant, under one lock for the whole process. For a transaction with one participant it
 * commits in one phase: nothing is ever prepared, the participant alone decides the outcome, and
 * recovery has nothing to finish or to presume: the two records only cost two serialised fsyncs per
 * transaction. A transaction with two or more participants, whose commit decision recovery needs,
 * is logged exactly as before.
 *
 * <p>Atomikos finds this class through {@code META-INF/services/com.atomikos.recovery.OltpLogFactory}
 * (its assembler's hook for another log) and uses it as both its OLTP log and its recovery log.
 */
public final class OnePhaseAwareLog implements OltpLog, RecoveryLog {

    /**
     * Told of every record this log wrote, after it is durable: the coordinator id (the global
     * transaction id), the state ({@code COMMITTING}, {@code TERMINATED}, …) and when the write began
     * and ended ({@link System#nanoTime()}). Called on the thread that wrote it; must return at once.
     */
    @FunctionalInterface
    public interface WriteListener {
        void written(String coordinatorId, String state, long startNanos, long endNanos);
    }

    /**
     * Static because Atomikos, not Spring, creates the log (through {@link Factory}); listeners outlive
     * a log instance, so a restarted coordinator in the same JVM keeps reporting to them.
     */
    private static final List<WriteListener> LISTENERS = new CopyOnWriteArrayList<>();

    /** Adds a listener of every record written from now on; closing the handle removes it. */
    public static AutoCloseable onWrite(WriteListener listener) {
        LISTENERS.add(Objects.requireNonNull(listener, "listener"));
        return () -> LISTENERS.remove(listener);
    }

    private final OltpLog oltp;
    private final RecoveryLog recovery;

    OnePhaseAwareLog(OltpLog oltp, RecoveryLog recovery) {
        this.oltp = oltp;
        this.recovery = recovery;
    }

    /** The factory Atomikos's assembler loads: the store {@code twophase.coordinator.log-store} names. */
    public static final class Factory implements OltpLogFactory {
        @Override
        public OltpLog createOltpLog() {
            return LogStores.create();
        }
    }

    /** The log of the running Atomikos, or null when Atomikos has not started (or runs another log). */
    private static OnePhaseAwareLog running() {
        if (com.atomikos.icatch.config.Configuration.getRecoveryService() == null) {
            return null;
        }
        return com.atomikos.icatch.config.Configuration.getRecoveryLog() instanceof OnePhaseAwareLog log ? log : null;
    }

    /** The group-commit log under the running Atomikos's log, or null. */
    private static GroupCommitLog runningGroup() {
        OnePhaseAwareLog log = running();
        return log != null && log.oltp instanceof GroupCommitLog group ? group : null;
    }

    /** The counters of the running coordinator's group-commit log, or null when it runs Atomikos's own log (or none). */
    public static GroupCommitLog.Stats currentGroupCommitStats() {
        OnePhaseAwareLog log = running();
        return log == null ? null : log.groupCommitStats();
    }

    /** Whether the running coordinator's log refused this transaction's commit decision ({@link GroupCommitLog#decisionRefused}). */
    public static boolean currentLogRefusedDecision(String coordinatorId) {
        GroupCommitLog group = runningGroup();
        return group != null && group.decisionRefused(coordinatorId);
    }

    /**
     * Whether the running coordinator owns its log: false while a store another process can take over
     * (PostgreSQL) has lost its lease or been fenced. True when no twophase log runs.
     */
    public static boolean currentLogOwned() {
        OnePhaseAwareLog log = running();
        return log == null || log.isActive();
    }

    /** The counters of the group-commit log under this one, or null when Atomikos's own log is used. */
    public GroupCommitLog.Stats groupCommitStats() {
        return oltp instanceof GroupCommitLog log ? log.stats() : null;
    }

    @Override
    public void write(PendingTransactionRecord record) throws LogWriteException {
        LastResource lastResource = LastResource.current();
        if (lastResource != null && record.state.isFinalState()) {
            // Over on every participant: the last resource's row of it (if any) may go.
            lastResource.terminated(record.id);
        }
        // Both records of a one-phase transaction are skipped: its coordinator, still live when either is
        // written, has one participant at COMMITTING and the same one at TERMINATED.
        if ((record.state == TxState.COMMITTING || record.state == TxState.TERMINATED) && onePhase(record)) {
            return;
        }
        long start = System.nanoTime();
        if (record.state == TxState.COMMITTING && lastResource != null && lastResource.involves(record.id)
                && oltp instanceof GroupCommitLog group) {
            writeAfterLastResource(record, lastResource, group);
        } else {
            oltp.write(record);
        }
        if (LISTENERS.isEmpty()) {
            return;
        }
        long end = System.nanoTime();
        for (WriteListener listener : LISTENERS) {
            try {
                listener.written(record.id, record.state.name(), start, end);
            } catch (RuntimeException e) {
                // The record is durable: a listener's failure must not turn the write into a failure.
                org.slf4j.LoggerFactory.getLogger(OnePhaseAwareLog.class).warn("A listener of the coordinator log failed on {} {}",
                        record.state, record.id, e);
            }
        }
    }

    /**
     * The commit decision of a transaction with a branch on the last resource: that branch's one-phase
     * commit decides, then the COMMITTING record is written (see {@link LastResource}). A decision the
     * last resource refused is recorded as refused (recovery rolls the others back); one whose outcome is
     * unknown is not: the others stay prepared until recovery learns it ({@link #currentSettleLastResource}).
     */
    private static void writeAfterLastResource(PendingTransactionRecord record, LastResource lastResource, GroupCommitLog group)
            throws LogWriteException {
        // The checks Atomikos's log makes come first: once the last resource has committed, nothing may refuse the record.
        group.checkWritable(record);
        try {
            // The lease is asked right before the commit: a node whose TM name was taken over must not decide.
            lastResource.decide(record.id, group::isActive);
        } catch (LastResource.OutcomeUnknown unknown) {
            throw unknown;
        } catch (LogWriteException refused) {
            if (group.isActive()) {
                group.refuse(record.id);
            }
            throw refused;
        }
        group.appendDecided(record);
    }

    /**
     * For recovery: asks the last resource again about a transaction whose decision's outcome was unknown,
     * and makes the log say what it answers: a COMMITTING record when it committed, a refused decision when
     * it rolled back. {@code null} when that transaction's outcome is not unknown (or no last resource runs).
     */
    public static LastResource.Outcome currentSettleLastResource(String coordinatorId) {
        LastResource lastResource = LastResource.current();
        GroupCommitLog group = runningGroup();
        return lastResource == null || group == null ? null : settle(group, lastResource, coordinatorId);
    }

    /** {@link #currentSettleLastResource} on this log and last resource. */
    static LastResource.Outcome settle(GroupCommitLog group, LastResource lastResource, String coordinatorId) {
        if (!lastResource.outcomeUnknown(coordinatorId)) {
            return null;
        }
        LastResource.Outcome outcome = lastResource.ask(coordinatorId);
        if (outcome == LastResource.Outcome.COMMITTED && !adopt(group, lastResource, coordinatorId)) {
            return LastResource.Outcome.UNKNOWN;
        }
        if (outcome == LastResource.Outcome.ROLLED_BACK) {
            group.refuse(coordinatorId);
        }
        if (outcome != LastResource.Outcome.UNKNOWN) {
            lastResource.settled(coordinatorId, outcome);
        }
        return outcome;
    }

    /**
     * For recovery: before presuming abort for a transaction of an earlier run with no commit decision,
     * makes sure the last resource can never commit it ({@link LastResource#fence}); when its branch there
     * had committed, the log adopts the decision. {@code null} when no last resource runs.
     */
    public static LastResource.Outcome currentFenceLastResource(String coordinatorId) {
        LastResource lastResource = LastResource.current();
        if (lastResource == null) {
            return null;
        }
        LastResource.Outcome outcome = lastResource.fence(coordinatorId, lastResource.tmName());
        GroupCommitLog group = runningGroup();
        if (outcome == LastResource.Outcome.COMMITTED && (group == null || !adopt(group, lastResource, coordinatorId))) {
            return LastResource.Outcome.UNKNOWN;
        }
        return outcome;
    }

    /**
     * A commit decision found in the last resource's table becomes a COMMITTING record, its row deleted once
     * the transaction is over. False when the record could not be written: the row is the decision all the
     * same (a restart adopts it), and recovery asks again at its next pass.
     */
    private static boolean adopt(GroupCommitLog group, LastResource lastResource, String coordinatorId) {
        try {
            group.adoptDecisions(List.of(coordinatorId));
        } catch (LogWriteException e) {
            return false;
        }
        lastResource.adopted(List.of(coordinatorId));
        return true;
    }

    /** Whether this is the record of a live root transaction that commits in one phase. */
    private static boolean onePhase(PendingTransactionRecord record) {
        return record.superiorId == null && LiveCoordinators.isOnePhaseRoot(record.id);
    }

    @Override
    public void close() {
        oltp.close();
    }

    @Override
    public boolean isActive() {
        return recovery.isActive();
    }

    @Override
    public void closing() {
        recovery.closing();
    }

    @Override
    public Collection<PendingTransactionRecord> getIndoubtTransactionRecords() throws LogReadException {
        return recovery.getIndoubtTransactionRecords();
    }

    @Override
    public Collection<PendingTransactionRecord> getExpiredPendingCommittingTransactionRecordsAt(long time) throws LogReadException {
        return recovery.getExpiredPendingCommittingTransactionRecordsAt(time);
    }

    @Override
    public void forgetTransactionRecords(Collection<PendingTransactionRecord> coordinators) {
        recovery.forgetTransactionRecords(coordinators);
        LastResource lastResource = LastResource.current();
        if (lastResource != null) {
            coordinators.forEach(r -> lastResource.terminated(r.id));
        }
    }

    @Override
    public void recordAsCommitting(String coordinatorId) throws LogException {
        recovery.recordAsCommitting(coordinatorId);
    }

    @Override
    public void forget(String coordinatorId) {
        recovery.forget(coordinatorId);
        LastResource lastResource = LastResource.current();
        if (lastResource != null) {
            lastResource.terminated(coordinatorId);
        }
    }

    @Override
    public PendingTransactionRecord get(String coordinatorId) throws LogReadException {
        return recovery.get(coordinatorId);
    }

    @Override
    public Collection<PendingTransactionRecord> getPendingTransactionRecords() throws LogReadException {
        return recovery.getPendingTransactionRecords();
    }

    @Override
    public void closed() {
        recovery.closed();
    }
}
