package dev.twophase.coordinator.log;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.recovery.LogException;
import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.PendingTransactionRecord;

import dev.twophase.coordinator.atomikos.AtomikosLogFiles;

/**
 * The coordinator log in files: Atomikos's own format and files ({@code tmlog<n>.log}, one
 * {@code PendingTransactionRecord.toRecord()} line per record, rotated on checkpoint), so a log
 * written by Atomikos's default log is read as is, and the other way round. What differs is how it
 * is written: {@link #append} writes a whole batch and forces the file once.
 *
 * <p>Reading stops at the first line that does not parse, as Atomikos does: a crash can tear the
 * last line. A log of Atomikos 5 or older (JSON lines) is refused, as Atomikos refuses it.
 */
public final class FileLogStore implements LogStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileLogStore.class);

    private final AtomikosLogFiles files;
    private FileChannel channel;

    private FileLogStore(AtomikosLogFiles files) {
        this.files = files;
    }

    /** Locks and opens the log files of the running Atomikos configuration. */
    public static FileLogStore openConfigured() throws LogException {
        return new FileLogStore(AtomikosLogFiles.lockConfigured());
    }

    /** Locks and opens the log files in a directory (tests). */
    public static FileLogStore open(java.nio.file.Path dir, String baseName) throws LogException {
        return new FileLogStore(AtomikosLogFiles.lock(dir, baseName));
    }

    @Override
    public Collection<PendingTransactionRecord> load() throws LogReadException {
        InputStream in;
        try {
            in = files.openLastValidVersion();
        } catch (FileNotFoundException firstStart) {
            return List.of();
        }
        Map<String, PendingTransactionRecord> latest = new LinkedHashMap<>();
        int lineNumber = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.startsWith("{\"id\"")) {
                    throw new LogReadException("the coordinator log " + files + " is in the format of Atomikos 5 or older;"
                            + " finish its transactions with that release first, then delete the files");
                }
                PendingTransactionRecord record;
                try {
                    record = PendingTransactionRecord.fromRecord(line);
                } catch (RuntimeException torn) {
                    String rest = reader.readLine();
                    if (rest != null) {
                        LOG.error("The coordinator log {} has an unreadable record at line {} followed by more lines;"
                                + " like Atomikos, recovery uses the records before it only", files, lineNumber);
                    } else {
                        LOG.warn("Ignoring a torn last record at line {} of the coordinator log {} (a crash while it was written)",
                                lineNumber, files);
                    }
                    break;
                }
                latest.remove(record.id); // keep file order by last write
                latest.put(record.id, record);
            }
        } catch (IOException e) {
            throw new LogReadException(e);
        }
        return latest.values();
    }

    @Override
    public void append(List<PendingTransactionRecord> records) throws LogWriteException {
        long start = -1;
        try {
            if (channel == null) {
                throw new IOException("no version of " + files + " is open for writing; a checkpoint opens one");
            }
            start = channel.position();
            write(records);
            channel.force(false);
        } catch (IOException e) {
            // Cut off what was written of the batch, so that a crash before the next checkpoint does not
            // read it back; the checkpoint that follows rewrites the file anyway.
            if (start >= 0 && channel != null && channel.isOpen()) {
                try {
                    channel.truncate(start);
                    channel.position(start);
                    channel.force(false);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw new LogWriteException(e);
        }
    }

    @Override
    public void checkpoint(Collection<PendingTransactionRecord> live) throws LogWriteException {
        try {
            channel = null;
            FileChannel next = files.openNewVersion();
            channel = next;
            write(live);
            channel.force(false);
            files.discardBackupVersion();
        } catch (IOException | RuntimeException e) {
            throw new LogWriteException(e);
        }
    }

    private void write(Collection<PendingTransactionRecord> records) throws IOException {
        StringBuilder text = new StringBuilder(records.size() * 96);
        for (PendingTransactionRecord r : records) {
            text.append(r.toRecord());
        }
        ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public String describe() {
        return files.toString();
    }

    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException e) {
            LOG.warn("Closing the coordinator log {} failed: {}", files, e.toString());
        }
        channel = null;
    }
}
