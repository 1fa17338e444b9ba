package dev.twophase.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.autoconfigure.AtomikosSettings;

class LogDirectoryGuardTest {

    private static final String BASE = AtomikosSettings.LOG_BASE_NAME;

    @TempDir
    Path tmp;

    @Test
    void createsAMissingDirectoryAndLeavesNoProbeBehind() throws Exception {
        Path dir = tmp.resolve("a/b/tx-log");

        LogDirectoryGuard.check(dir, BASE);

        assertThat(dir).isDirectory();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(BASE + ".lck");
        }
    }

    @Test
    void failsNamingThePropertyWhenTheDirectoryCannotBeCreated() throws Exception {
        // A path below a regular file cannot be created, even by root.
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> LogDirectoryGuard.check(file.resolve("tx-log"), BASE))
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains("cannot be created").contains(file.resolve("tx-log").toString());
                    assertThat(e.action()).contains("twophase.coordinator.log-dir");
                    assertThat(e.getCause()).isNotNull();
                });
    }

    @Test
    void failsWhenAnotherProcessHoldsTheLogLockAndPassesOnceItIsGone() throws Exception {
        Process holder = startLockHolder(tmp);
        try {
            assertThatExceptionOfType(TwophaseStartupException.class)
                    .isThrownBy(() -> LogDirectoryGuard.check(tmp, BASE))
                    .satisfies(e -> {
                        assertThat(e.getMessage()).contains("locked by another process").contains(BASE + ".lck");
                        assertThat(e.action()).contains("twophase.coordinator.log-dir").contains("twophase.coordinator.tm-name");
                    });
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).as("lock holder exited").isTrue();
        }

        assertThatCode(() -> LogDirectoryGuard.check(tmp, BASE)).doesNotThrowAnyException();
    }

    @Test
    void failsWhenAnotherCoordinatorInThisJvmHoldsTheLogLock() throws Exception {
        try (FileChannel channel = FileChannel.open(tmp.resolve(BASE + ".lck"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            assertThatExceptionOfType(TwophaseStartupException.class)
                    .isThrownBy(() -> LogDirectoryGuard.check(tmp, BASE))
                    .withMessageContaining("locked by another coordinator in this JVM");
        }

        assertThatCode(() -> LogDirectoryGuard.check(tmp, BASE)).doesNotThrowAnyException();
    }

    @Test
    void leavesTheLockFreeForAtomikosAfterPassing() throws Exception {
        LogDirectoryGuard.check(tmp, BASE);

        try (FileChannel channel = FileChannel.open(tmp.resolve(BASE + ".lck"), StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            assertThat(lock).isNotNull();
        }
    }

    private static Process startLockHolder(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolderProcess.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"LOCKED".equals(line)) {
            process.destroyForcibly();
            throw new AssertionError("lock holder did not take the lock, it said: " + line);
        }
        return process;
    }
}
