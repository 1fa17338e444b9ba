package dev.twophase.coordinator.recovery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.twophase.coordinator.recovery.AtomikosAccess.PendingRecord;

/**
 * Health contributor {@code recoveryLog}: DOWN when the log directory is not a writable
 * directory or this process does not hold the log's lock (another process could then write the
 * same log); UP otherwise, with a {@code warnings} detail (and one WARN line per record) for every
 * COMMITTING record that Atomikos will purge as orphaned within {@code purge-warning-margin}: after
 * {@code expires + forget_orphaned_log_entries_delay} the commit decision is gone and its
 * prepared branches would be presumed aborted by the next recovery.
 */
public final class RecoveryLogHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(RecoveryLogHealthIndicator.class);

    private final Path logDir;
    private final Path lockFile;
    private final AtomikosAccess atomikos;
    private final Duration forgetOrphanedDelay;
    private final Duration warningMargin;
    private final Clock clock;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public RecoveryLogHealthIndicator(Path logDir, String baseName, PromptRecovery recovery, Duration forgetOrphanedDelay,
            Duration warningMargin) {
        this(logDir, baseName, recovery.atomikos(), forgetOrphanedDelay, warningMargin, Clock.systemUTC());
    }

    RecoveryLogHealthIndicator(Path logDir, String baseName, AtomikosAccess atomikos, Duration forgetOrphanedDelay,
            Duration warningMargin, Clock clock) {
        this.logDir = logDir.toAbsolutePath().normalize();
        this.lockFile = this.logDir.resolve(baseName + ".lck");
        this.atomikos = atomikos;
        this.forgetOrphanedDelay = forgetOrphanedDelay;
        this.warningMargin = warningMargin;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up().withDetail("directory", logDir.toString());
        if (!Files.isDirectory(logDir) || !Files.isWritable(logDir)) {
            return health.down().withDetail("error", "the recovery log directory is missing or not writable: commit"
                    + " decisions cannot be logged, so every transaction fails").build();
        }
        String lock = lockState();
        health.withDetail("lock", lock);
        if (!lock.equals("held by this process")) {
            return health.down().withDetail("error", "this process does not hold the recovery log's lock " + lockFile
                    + " (" + lock + "); another process may write the same log").build();
        }
        List<PendingRecord> records;
        try {
            records = atomikos.pendingRecords();
        } catch (RuntimeException e) {
            return health.down().withDetail("error", "cannot read the recovery log: " + e.getMessage()).build();
        }
        Instant now = clock.instant();
        List<String> warnings = new ArrayList<>();
        int committing = 0;
        for (PendingRecord r : records) {
            if (!r.state().equals("COMMITTING")) {
                continue;
            }
            committing++;
            Instant purgeAt = Instant.ofEpochMilli(r.expires()).plus(forgetOrphanedDelay);
            if (purgeAt.minus(warningMargin).isBefore(now)) {
                String warning = "commit decision " + r.id() + " will be purged as orphaned at " + purgeAt
                        + " (forget_orphaned_log_entries_delay " + forgetOrphanedDelay + "); its branches are still unresolved:"
                        + " make the participants reachable or resolve them with the console before then";
                warnings.add(warning);
                if (warned.add(r.id())) {
                    log.warn(warning);
                }
            }
        }
        health.withDetail("pendingRecords", records.size()).withDetail("commitDecisions", committing);
        if (!warnings.isEmpty()) {
            health.withDetail("warnings", warnings);
        }
        return health.build();
    }

    private String lockState() {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return "held by another process";
            }
            lock.release();
            return "not held";
        } catch (OverlappingFileLockException e) {
            return "held by this process";
        } catch (IOException e) {
            return "cannot be checked: " + e;
        }
    }
}
