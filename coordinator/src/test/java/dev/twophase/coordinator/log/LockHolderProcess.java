package dev.twophase.coordinator.log;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.twophase.coordinator.autoconfigure.AtomikosSettings;

/**
 * Run in a child JVM by {@link LogDirectoryGuardTest}: locks {@code <dir>/tmlog.lck} the way
 * Atomikos does, prints {@code LOCKED} and holds the lock until it is killed.
 */
public final class LockHolderProcess {

    private LockHolderProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path lockFile = Path.of(args[0]).resolve(AtomikosSettings.LOG_BASE_NAME + ".lck");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            System.out.println(lock == null ? "NOT LOCKED" : "LOCKED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
