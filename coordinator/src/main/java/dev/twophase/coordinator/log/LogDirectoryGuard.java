package dev.twophase.coordinator.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.twophase.coordinator.TwophaseStartupException;

/**
 * Checks the recovery-log directory before Atomikos opens it, so that a bad directory fails with
 * the property name and a fix instead of Atomikos's generic "log seems to be in use" error.
 *
 * <p>Atomikos takes an exclusive {@code tryLock} on {@code <dir>/<base>.lck} and keeps it while
 * running; we probe the same lock and release it at once.
 */
public final class LogDirectoryGuard {

    static final String PROPERTY = "twophase.coordinator.log-dir";

    private LogDirectoryGuard() {
    }

    /**
     * @param dir the configured directory (created when missing)
     * @param baseName Atomikos's {@code log_base_name}
     * @throws TwophaseStartupException when the directory cannot be written or the log is locked
     */
    public static void check(Path dir, String baseName) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new TwophaseStartupException("recovery log directory " + absolute,
                    "it does not exist and cannot be created (" + e + ")",
                    "Set " + PROPERTY + " to a directory this process can create and write, on a local disk that survives restarts.",
                    e);
        }
        Path probe = absolute.resolve(".twophase-write-probe");
        try {
            Files.writeString(probe, "probe");
            Files.delete(probe);
        } catch (IOException e) {
            throw new TwophaseStartupException("recovery log directory " + absolute,
                    "it is not writable by this process (" + e + ")",
                    "Give the user running the application write access to " + absolute + ", or set " + PROPERTY
                            + " to a writable directory.",
                    e);
        }
        Path lockFile = absolute.resolve(baseName + ".lck");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw locked(absolute, lockFile, "another coordinator in this JVM", e);
            }
            if (lock == null) {
                throw locked(absolute, lockFile, "another process", null);
            }
            lock.release();
        } catch (IOException e) {
            throw new TwophaseStartupException("recovery log directory " + absolute,
                    "the lock file " + lockFile + " cannot be opened (" + e + ")",
                    "Check the permissions of " + absolute + ", or set " + PROPERTY + " to a writable directory.", e);
        }
    }

    private static TwophaseStartupException locked(Path dir, Path lockFile, String holder, Throwable cause) {
        return new TwophaseStartupException("recovery log directory " + dir,
                "the recovery log is locked by " + holder + " (" + lockFile + " is held). Two coordinators sharing one"
                        + " log would corrupt it and each would recover the other's transactions",
                "Stop the other instance, or give this one its own " + PROPERTY + " and its own twophase.coordinator.tm-name."
                        + " Never delete the lock or the log of a running coordinator.",
                cause);
    }
}
