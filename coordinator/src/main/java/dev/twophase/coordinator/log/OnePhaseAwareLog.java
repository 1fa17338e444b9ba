package dev.twophase.coordinator.log;

import java.util.Collection;

import com.atomikos.icatch.CompositeCoordinator;
import com.atomikos.icatch.TransactionService;
import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.imp.CoordinatorImp;
import com.atomikos.icatch.provider.ConfigProperties;
import com.atomikos.recovery.LogException;
import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.OltpLog;
import com.atomikos.recovery.OltpLogFactory;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.RecoveryLog;
import com.atomikos.recovery.TxState;
import com.atomikos.recovery.fs.CachedRepository;
import com.atomikos.recovery.fs.FileSystemRepository;
import com.atomikos.recovery.fs.InMemoryRepository;
import com.atomikos.recovery.fs.OltpLogImp;
import com.atomikos.recovery.fs.RecoveryLogImp;
import com.atomikos.recovery.fs.Repository;

/**
 * Atomikos's own file log ({@code tmlog*.log}, the same files, the same forced writes) except for
 * transactions with a single participant, whose records it does not write.
 *
 * <p>Atomikos 6 logs and forces COMMITTING and then TERMINATED for every transaction with at least
 * one participant, under one lock for the whole process. For a transaction with one participant it
 * commits in one phase: nothing is ever prepared, the participant alone decides the outcome, and
 * recovery has nothing to finish or to presume: the two records only cost two serialised fsyncs per
 * transaction. A transaction with two or more participants, whose commit decision recovery needs,
 * is logged exactly as before.
 *
 * <p>Atomikos finds this class through {@code META-INF/services/com.atomikos.recovery.OltpLogFactory}
 * (its assembler's hook for another log) and uses it as both its OLTP log and its recovery log;
 * both delegate to the classes and files Atomikos's default assembly uses.
 */
public final class OnePhaseAwareLog implements OltpLog, RecoveryLog {

    private final OltpLogImp oltp = new OltpLogImp();
    private final RecoveryLogImp recovery = new RecoveryLogImp();

    OnePhaseAwareLog(Repository repository) {
        oltp.setRepository(repository);
        recovery.setRepository(repository);
    }

    /** The factory Atomikos's assembler loads. */
    public static final class Factory implements OltpLogFactory {
        @Override
        public OltpLog createOltpLog() {
            // As AssemblerImp.createRepository: the in-memory cache over the file system log, or memory only.
            ConfigProperties properties = Configuration.getConfigProperties();
            try {
                InMemoryRepository memory = new InMemoryRepository();
                memory.init();
                Repository repository = memory;
                if (properties.getEnableLogging()) {
                    FileSystemRepository files = new FileSystemRepository();
                    files.init();
                    CachedRepository cached = new CachedRepository(memory, files);
                    cached.init();
                    repository = cached;
                }
                return new OnePhaseAwareLog(repository);
            } catch (LogException e) {
                throw new com.atomikos.icatch.SysException("Error in init: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void write(PendingTransactionRecord record) throws LogWriteException {
        // Both records of a one-phase transaction are skipped: its coordinator, still live when either is
        // written, has one participant at COMMITTING and the same one at TERMINATED.
        if ((record.state == TxState.COMMITTING || record.state == TxState.TERMINATED) && onePhase(record)) {
            return;
        }
        oltp.write(record);
    }

    /**
     * Whether the live root coordinator with this id has exactly one participant, so it commits in
     * one phase ({@code CoordinatorImp.terminate} does {@code commit(onePhase = participants <= 1)}).
     */
    private static boolean onePhase(PendingTransactionRecord record) {
        if (record.superiorId != null) {
            return false;
        }
        TransactionService service = Configuration.getTransactionService();
        CompositeCoordinator coordinator = service == null ? null : service.getCompositeCoordinator(record.id);
        return coordinator instanceof CoordinatorImp imp && record.id.equals(imp.getCoordinatorId())
                && imp.getParticipants().size() == 1;
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
    }

    @Override
    public void recordAsCommitting(String coordinatorId) throws LogException {
        recovery.recordAsCommitting(coordinatorId);
    }

    @Override
    public void forget(String coordinatorId) {
        recovery.forget(coordinatorId);
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
