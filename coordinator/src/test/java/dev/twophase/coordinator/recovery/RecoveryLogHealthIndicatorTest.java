package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import ch.qos.logback.classic.Level;

/** The {@code recoveryLog} health: directory, lock, and commit decisions close to being purged. */
class RecoveryLogHealthIndicatorTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @TempDir
    Path dir;

    private final FakeAtomikos atomikos = new FakeAtomikos();

    private RecoveryLogHealthIndicator indicator(Path logDir) {
        return new RecoveryLogHealthIndicator(logDir, "tmlog", atomikos, Duration.ofHours(24), Duration.ofHours(6),
                new MutableClock(NOW));
    }

    @Test
    void isDownWhenThisProcessDoesNotHoldTheLock() throws Exception {
        FileChannel.open(dir.resolve("tmlog.lck"), StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();

        Health health = indicator(dir).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("lock")).isEqualTo("not held");
        assertThat((String) health.getDetails().get("error")).contains("does not hold the recovery log's lock");
    }

    @Test
    void isDownWhenTheDirectoryIsMissing() {
        Health health = indicator(dir.resolve("gone")).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat((String) health.getDetails().get("error")).contains("missing or not writable");
    }

    @Test
    void isUpWhileTheLockIsHeldAndWarnsAboutCommitDecisionsCloseToBeingPurged() throws Exception {
        try (FileChannel channel = FileChannel.open(dir.resolve("tmlog.lck"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.lock();
                LogCapture logs = new LogCapture(RecoveryLogHealthIndicator.class)) {
            // Purged at expires + 24h: the first in 5h (inside the 6h margin), the second in 23h.
            atomikos.pending("tm.old", "COMMITTING", NOW.minus(Duration.ofHours(19)).toEpochMilli());
            atomikos.pending("tm.young", "COMMITTING", NOW.minus(Duration.ofHours(1)).toEpochMilli());
            atomikos.pending("tm.sub", "IN_DOUBT", NOW.minus(Duration.ofHours(23)).toEpochMilli());
            RecoveryLogHealthIndicator indicator = indicator(dir);

            Health health = indicator.health();
            indicator.health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("lock", "held by this process").containsEntry("pendingRecords", 3)
                    .containsEntry("commitDecisions", 2);
            @SuppressWarnings("unchecked")
            List<String> warnings = (List<String>) health.getDetails().get("warnings");
            assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("tm.old")
                    .contains(NOW.plus(Duration.ofHours(5)).toString()));
            assertThat(logs.lines(Level.WARN)).as("warned once per record").hasSize(1);
        }
    }
}
