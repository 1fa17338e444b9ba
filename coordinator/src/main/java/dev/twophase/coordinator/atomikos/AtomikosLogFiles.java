package dev.twophase.coordinator.atomikos;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.provider.ConfigProperties;
import com.atomikos.persistence.imp.LogFileLock;
import com.atomikos.recovery.LogException;
import com.atomikos.util.VersionedFile;

/**
 * The files of Atomikos's own log, as {@code FileSystemRepository} keeps them: {@code <base><n>.log}
 * versions rotated by {@code com.atomikos.util.VersionedFile} (a checkpoint writes version n+1 and
 * then deletes n; a reader takes the lowest version present, the complete one) and the exclusive
 * lock on {@code <base>.lck} ({@code com.atomikos.persistence.imp.LogFileLock}). A log of ours that
 * uses them reads and writes the very files Atomikos would, so either log can take over from the
 * other. Neither class is documented Atomikos API.
 */
public final class AtomikosLogFiles {

    static final List<String> CLASSES = List.of(VersionedFile.class.getName(), LogFileLock.class.getName());

    private final LogFileLock lock;
    private final VersionedFile file;
    private final Path dir;
    private final String baseName;

    private AtomikosLogFiles(Path dir, String baseName, LogFileLock lock) {
        this.dir = dir;
        this.baseName = baseName;
        this.lock = lock;
        this.file = new VersionedFile(dir.toString(), baseName, ".log");
    }

    /** Locks the log of the directory and base name, as Atomikos does; fails when another process holds it. */
    public static AtomikosLogFiles lock(Path dir, String baseName) throws LogException {
        LogFileLock lock = new LogFileLock(dir.toString(), baseName);
        lock.acquireLock();
        return new AtomikosLogFiles(dir, baseName, lock);
    }

    /** The running configuration's log: {@code log_base_dir}, {@code log_base_name}. */
    public static AtomikosLogFiles lockConfigured() throws LogException {
        ConfigProperties properties = Configuration.getConfigProperties();
        return lock(Path.of(properties.getLogBaseDir()), properties.getLogBaseName());
    }

    /** The last complete version, for reading; only before the first {@link #openNewVersion()}. */
    public InputStream openLastValidVersion() throws FileNotFoundException {
        return file.openLastValidVersionForReading();
    }

    /** Closes the version being written (if any) and starts the next one. */
    public FileChannel openNewVersion() throws IOException {
        file.close();
        FileChannel channel = file.openNewVersionForNioWriting();
        // A checkpoint that failed half-way leaves that version behind: start it afresh.
        channel.truncate(0);
        return channel;
    }

    /** Deletes the version before the one being written, once that one is complete and forced. */
    public void discardBackupVersion() throws IOException {
        file.discardBackupVersion();
    }

    /** The file being written, for messages. */
    public String currentFileName() {
        return file.getCurrentVersionFileName();
    }

    /** Closes the files and releases the lock. */
    public void close() throws IOException {
        try {
            file.close();
        } finally {
            lock.releaseLock();
        }
    }

    @Override
    public String toString() {
        return dir.resolve(baseName + "*.log").toString();
    }

    /** Atomikos's checkpoint interval and orphan delay, from the running configuration. */
    public static long checkpointInterval() {
        return Configuration.getConfigProperties().getCheckpointInterval();
    }

    /** Atomikos's forget_orphaned_log_entries_delay. */
    public static long forgetOrphanedLogEntriesDelay() {
        return Configuration.getConfigProperties().getForgetOrphanedLogEntriesDelay();
    }

    /** Atomikos's tm_unique_name. */
    public static String tmUniqueName() {
        return Configuration.getConfigProperties().getTmUniqueName();
    }

    /** A twophase property passed to Atomikos with its configuration, or the default when it is not set. */
    public static String property(String name, String defaultValue) {
        try {
            return Configuration.getConfigProperties().getProperty(name);
        } catch (IllegalArgumentException missing) {
            return defaultValue;
        }
    }
}
