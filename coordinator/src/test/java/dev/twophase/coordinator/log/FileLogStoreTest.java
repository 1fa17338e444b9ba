package dev.twophase.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

/** The file store writes and reads Atomikos's own log files, batches with one force, and survives a torn tail. */
class FileLogStoreTest {

    private static final String BASE = "tmlog";

    @TempDir
    Path dir;

    @Test
    void readsWhatItWroteAfterACheckpointAndAppends() throws Exception {
        FileLogStore store = FileLogStore.open(dir, BASE);
        assertThat(store.load()).isEmpty();
        store.checkpoint(List.of(record("a", TxState.COMMITTING)));
        store.append(List.of(record("b", TxState.COMMITTING), record("c", TxState.IN_DOUBT)));
        store.append(List.of(record("a", TxState.TERMINATED)));
        store.close();

        FileLogStore again = FileLogStore.open(dir, BASE);
        assertThat(again.load()).extracting(r -> r.id + ":" + r.state)
                .containsExactlyInAnyOrder("a:TERMINATED", "b:COMMITTING", "c:IN_DOUBT");
        again.close();
    }

    @Test
    void aCheckpointRotatesToTheNextVersionAndDeletesTheOldOne() throws Exception {
        FileLogStore store = FileLogStore.open(dir, BASE);
        store.load();
        store.checkpoint(List.of(record("a", TxState.COMMITTING)));
        store.checkpoint(List.of(record("b", TxState.COMMITTING)));
        store.close();
        assertThat(logFiles()).hasSize(1);
        FileLogStore again = FileLogStore.open(dir, BASE);
        assertThat(again.load()).extracting(r -> r.id).containsExactly("b");
        again.close();
    }

    @Test
    void readsALogAtomikosWroteLineForLine() throws Exception {
        // Atomikos's FileSystemRepository writes one toRecord() line per record into tmlog<n>.log.
        Files.writeString(dir.resolve(BASE + "3.log"), record("x", TxState.COMMITTING).toRecord()
                + record("y", TxState.IN_DOUBT).toRecord() + record("x", TxState.TERMINATED).toRecord());
        FileLogStore store = FileLogStore.open(dir, BASE);
        assertThat(store.load()).extracting(r -> r.id + ":" + r.state).containsExactlyInAnyOrder("x:TERMINATED", "y:IN_DOUBT");
        store.checkpoint(List.of(record("y", TxState.IN_DOUBT)));
        store.close();
        assertThat(logFiles()).containsExactly(BASE + "4.log");
    }

    @Test
    void ignoresATornLastRecord() throws Exception {
        String whole = record("a", TxState.COMMITTING).toRecord();
        String torn = record("b", TxState.COMMITTING).toRecord().substring(0, 10);
        Files.writeString(dir.resolve(BASE + "1.log"), whole + torn);
        FileLogStore store = FileLogStore.open(dir, BASE);
        assertThat(store.load()).extracting(r -> r.id).containsExactly("a");
        store.close();
    }

    @Test
    void refusesTheLogFormatOfAtomikos5() throws Exception {
        Files.writeString(dir.resolve(BASE + "1.log"), "{\"id\":\"tx1\",\"wasCommitted\":true}\n");
        FileLogStore store = FileLogStore.open(dir, BASE);
        assertThatExceptionOfType(LogReadException.class).isThrownBy(store::load)
                .withMessageContaining("Atomikos 5 or older");
        store.close();
    }

    @Test
    void aSecondStoreOnTheSameFilesIsRefused() throws Exception {
        FileLogStore store = FileLogStore.open(dir, BASE);
        try {
            assertThatExceptionOfType(Exception.class).isThrownBy(() -> FileLogStore.open(dir, BASE));
        } finally {
            store.close();
        }
    }

    @Test
    void aGroupCommitLogOverFilesRecoversItsDecisionsAfterARestart() throws Exception {
        GroupCommitLog log = new GroupCommitLog(FileLogStore.open(dir, BASE), "tm1", 1000, 86_400_000);
        log.write(record("decided", TxState.COMMITTING));
        log.write(record("finished", TxState.COMMITTING));
        log.forget("finished");
        log.close();
        GroupCommitLog restarted = new GroupCommitLog(FileLogStore.open(dir, BASE), "tm1", 1000, 86_400_000);
        assertThat(restarted.getPendingTransactionRecords()).extracting(r -> r.id).containsExactly("decided");
        restarted.close();
    }

    private List<String> logFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        }
    }

    private static PendingTransactionRecord record(String id, TxState state) {
        return new PendingTransactionRecord(id, state, System.currentTimeMillis() + 60_000, "tm1");
    }
}
