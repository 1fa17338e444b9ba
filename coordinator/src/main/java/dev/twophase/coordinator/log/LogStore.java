package dev.twophase.coordinator.log;

import java.util.Collection;
import java.util.List;

import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.PendingTransactionRecord;

/**
 * Where the coordinator's log records are kept durably: what {@link GroupCommitLog} batches into.
 * One store per TM name, used by one process at a time; {@link GroupCommitLog} calls it from one
 * thread at a time, so implementations need no locking of their own.
 *
 * <p>Implementations: {@link FileLogStore} (the {@code tmlog*.log} files Atomikos itself writes,
 * so logs carry over in both directions) and {@link PostgresLogStore}.
 */
public interface LogStore {

    /**
     * The records the store holds, the last one written for each transaction (final states
     * included: the caller drops them). Called once, before anything is written.
     */
    Collection<PendingTransactionRecord> load() throws LogReadException;

    /**
     * Writes the records in order and returns only once every one of them is durable: one force
     * (fsync, database commit) for all. When it throws, none of them may be taken as written, and
     * the store may hold a partial write: the caller must {@link #checkpoint} before the next append.
     */
    void append(List<PendingTransactionRecord> records) throws LogWriteException;

    /**
     * Replaces everything the store holds with these records, durably: compaction, and the
     * recovery from a failed append (whose partial write it discards).
     */
    void checkpoint(Collection<PendingTransactionRecord> live) throws LogWriteException;

    /**
     * Whether this process still owns the log. A store another process can take over (a database
     * store whose lease was lost) answers false from then on; Atomikos then leaves recovery to the
     * owner (its {@code RecoveryLog.isActive()}).
     */
    default boolean owned() {
        return true;
    }

    /** What the store is, for logs and errors: e.g. its files. */
    String describe();

    /** Releases the store (its files, its lock); no call follows. */
    void close();
}
