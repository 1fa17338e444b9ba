package dev.twophase.coordinator.recovery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.transaction.xa.XAResource;

import com.atomikos.datasource.RecoverableResource;
import com.atomikos.datasource.xa.XATransactionalResource;
import com.atomikos.icatch.TransactionService;
import com.atomikos.icatch.config.Configuration;
import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.RecoveryLog;
import com.atomikos.recovery.TxState;

import dev.twophase.coordinator.atomikos.RecoveryConnections;

/** {@link AtomikosAccess} over the Atomikos running in this JVM ({@link Configuration} is static). */
final class LiveAtomikos implements AtomikosAccess {

    @Override
    public Map<String, Supplier<XAResource>> participants() {
        Map<String, Supplier<XAResource>> result = new LinkedHashMap<>();
        for (RecoverableResource resource : Configuration.getResources()) {
            if (resource instanceof XATransactionalResource xa && !xa.isClosed()) {
                result.put(xa.getName(), xa::getXAResource);
            }
        }
        return result;
    }

    /** Atomikos replaces the recovery XAResource only after its own pass fails; see {@link RecoveryConnections}. */
    @Override
    public boolean refresh(String participant) {
        for (RecoverableResource resource : Configuration.getResources()) {
            if (resource instanceof XATransactionalResource xa && xa.getName().equals(participant)) {
                return RecoveryConnections.refresh(xa);
            }
        }
        return false;
    }

    @Override
    public boolean hasLiveCoordinator(String gtrid) {
        TransactionService service = Configuration.getTransactionService();
        if (service == null) {
            return true;
        }
        try {
            // TransactionServiceImp keeps a root's coordinator from begin until it enters TERMINATED or
            // ABANDONED, both final; the log record is written before either (FSM preEnter).
            return service.getCompositeCoordinator(gtrid) != null;
        } catch (RuntimeException notInitialized) {
            return true;
        }
    }

    @Override
    public LogEntry logEntry(String gtrid) {
        try {
            PendingTransactionRecord record = log().get(gtrid);
            if (record == null) {
                return LogEntry.NONE;
            }
            if (record.state == TxState.COMMITTING || committingIds().contains(gtrid)) {
                return LogEntry.COMMITTING;
            }
            return new LogEntry(LogEntry.Kind.OTHER, record.state.name());
        } catch (LogReadException e) {
            throw new IllegalStateException("cannot read the Atomikos recovery log: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.List<PendingRecord> pendingRecords() {
        try {
            return log().getPendingTransactionRecords().stream().map(r -> new PendingRecord(r.id, r.state.name(), r.expires))
                    .toList();
        } catch (LogReadException e) {
            throw new IllegalStateException("cannot read the Atomikos recovery log: " + e.getMessage(), e);
        }
    }

    @Override
    public void forget(String gtrid) {
        log().forget(gtrid);
    }

    @Override
    public boolean subtransactionsAllowed() {
        return Configuration.getConfigProperties().getAllowSubTransactions();
    }

    /**
     * Ids of COMMITTING records and of the records below them, as Atomikos's own recovery selects
     * them ({@code getExpiredPendingCommittingTransactionRecordsAt}; every record expired before
     * the end of time).
     */
    static Set<String> committingIds() {
        try {
            return log().getExpiredPendingCommittingTransactionRecordsAt(Long.MAX_VALUE).stream()
                    .filter(r -> r.state == TxState.COMMITTING || r.state == TxState.IN_DOUBT)
                    .map(r -> r.id).collect(Collectors.toUnmodifiableSet());
        } catch (LogReadException e) {
            throw new IllegalStateException("cannot read the Atomikos recovery log: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean decisionRefused(String gtrid) {
        return dev.twophase.coordinator.log.OnePhaseAwareLog.currentLogRefusedDecision(gtrid);
    }

    @Override
    public LastResourceAnswer settleLastResource(String gtrid) {
        return answer(dev.twophase.coordinator.log.OnePhaseAwareLog.currentSettleLastResource(gtrid));
    }

    @Override
    public LastResourceAnswer fenceLastResource(String gtrid) {
        return answer(dev.twophase.coordinator.log.OnePhaseAwareLog.currentFenceLastResource(gtrid));
    }

    private static LastResourceAnswer answer(dev.twophase.coordinator.log.LastResource.Outcome outcome) {
        return outcome == null ? null : LastResourceAnswer.valueOf(outcome.name());
    }

    @Override
    public boolean ownsLog() {
        return Configuration.getRecoveryService() == null || Configuration.getRecoveryLog() == null
                || Configuration.getRecoveryLog().isActive();
    }

    private static RecoveryLog log() {
        if (Configuration.getRecoveryService() == null) {
            throw new IllegalStateException("Atomikos is not running: no recovery log");
        }
        return Configuration.getRecoveryLog();
    }
}
