package dev.twophase.coordinator.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

/**
 * What a coordinator that crashed leaves behind in its log directory: Atomikos's own record format
 * ({@link PendingTransactionRecord#toRecord()}) in {@code tmlog<N>.log}, read back at the next start.
 */
final class EarlierRun {

    private final String tmName;
    private final Instant startedAt;
    private final List<PendingTransactionRecord> records = new ArrayList<>();
    private int counter;

    /** @param startedAt when the earlier run created its transactions */
    EarlierRun(String tmName, Instant startedAt) {
        this.tmName = tmName;
        this.startedAt = startedAt;
    }

    /** A new transaction id of this run, as Atomikos's UniqueIdMgr makes it. */
    String newTransaction() {
        return tmName + "." + startedAt.toEpochMilli() + String.format("%05d", ++counter);
    }

    /** The transaction's commit decision reached the log before the crash. */
    EarlierRun committing(String gtrid) {
        // expires = creation + timeout: long past, but within forget_orphaned_log_entries_delay (24 h).
        records.add(new PendingTransactionRecord(gtrid, TxState.COMMITTING, startedAt.plusSeconds(10).toEpochMilli(),
                tmName + "."));
        return this;
    }

    void writeLogTo(Path logDir) throws IOException {
        Files.createDirectories(logDir);
        StringBuilder log = new StringBuilder();
        records.forEach(r -> log.append(r.toRecord()));
        Files.writeString(logDir.resolve("tmlog1.log"), log);
    }
}
