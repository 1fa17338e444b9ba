package dev.twophase.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.atomikos.recovery.LogException;
import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

/**
 * The coordinator log in the real PostgreSQL: records survive a restart, a batch is one database
 * transaction, a second live owner of a TM name is refused, an owner whose TM name was taken over is
 * fenced and writes nothing, and a clean close hands the TM name over at once.
 */
class PostgresLogStoreIT {

    private static final PostgresLogStore.Settings DB = new PostgresLogStore.Settings(
            env("TWOPHASE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/twophase_it_a"), env("TWOPHASE_TEST_PG_USER", "twophase"),
            env("TWOPHASE_TEST_PG_PASSWORD", "twophase"), Duration.ofSeconds(30));
    /** An opener with a 2 s lease waits at most 3 s for another owner's lease before it refuses. */
    private static final PostgresLogStore.Settings SHORT_LEASE = new PostgresLogStore.Settings(
            env("TWOPHASE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/twophase_it_a"), env("TWOPHASE_TEST_PG_USER", "twophase"),
            env("TWOPHASE_TEST_PG_PASSWORD", "twophase"), Duration.ofSeconds(2));

    @BeforeAll
    static void schema() throws LogException {
        PostgresLogSchema.migrate(DB);
        // Twice: the second run finds its history table and does nothing.
        PostgresLogSchema.migrate(DB);
    }

    @Test
    void recordsSurviveARestartAndTerminatedOnesAreGone() throws Exception {
        String tm = tmName();
        GroupCommitLog log = new GroupCommitLog(PostgresLogStore.open(DB, tm), tm, 500, 86_400_000);
        log.write(record(tm, "decided", TxState.COMMITTING));
        log.write(record(tm, "finished", TxState.COMMITTING));
        log.forget("finished");
        log.close();
        assertThat(rows(tm)).containsExactly("decided:COMMITTING");

        GroupCommitLog restarted = new GroupCommitLog(PostgresLogStore.open(DB, tm), tm, 500, 86_400_000);
        assertThat(restarted.getPendingTransactionRecords()).extracting(r -> r.id + ":" + r.state).containsExactly("decided:COMMITTING");
        restarted.close();
    }

    @Test
    void aBatchIsOneDatabaseTransaction() throws Exception {
        String tm = tmName();
        PostgresLogStore store = PostgresLogStore.open(DB, tm);
        try {
            List<PendingTransactionRecord> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(record(tm, "tx" + i, TxState.COMMITTING));
            }
            store.append(batch);
            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*), count(DISTINCT xmin::text) FROM twophase_log_record WHERE tm_name = ?")) {
                ps.setString(1, tm);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(20);
                    assertThat(rs.getInt(2)).as("transactions that wrote the 20 rows").isEqualTo(1);
                }
            }
        } finally {
            store.close();
        }
    }

    @Test
    void aSecondLiveOwnerOfTheTmNameIsRefusedWithTheReason() throws Exception {
        String tm = tmName();
        PostgresLogStore first = PostgresLogStore.open(SHORT_LEASE, tm);
        try {
            // The first owner renews its lease while the second waits for it: the wait ends in a refusal.
            assertThatExceptionOfType(LogException.class).isThrownBy(() -> PostgresLogStore.open(SHORT_LEASE, tm))
                    .withMessageContaining("another instance with this tm-name is running")
                    .withMessageContaining("twophase.coordinator.tm-name");
        } finally {
            first.close();
        }
        // A clean close released the lease: the next owner need not wait for it.
        PostgresLogStore next = PostgresLogStore.open(DB, tm);
        assertThat(next.epoch()).isEqualTo(2);
        next.close();
    }

    @Test
    void aCrashedOwnersLeaseIsWaitedOutAndItsSuccessorStartsWithItsRecords() throws Exception {
        String tm = tmName();
        PostgresLogStore crashed = PostgresLogStore.open(DB, tm);
        crashed.append(List.of(record(tm, "in-doubt", TxState.COMMITTING)));
        long crashedEpoch = crashed.epoch();
        // The process dies without releasing its lease: a foreign owner whose lease runs for 1.5 s more.
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE twophase_log_owner SET owner = 'halted-process', lease_until = now() + interval '1500 milliseconds'"
                        + " WHERE tm_name = ?")) {
            ps.setString(1, tm);
            ps.executeUpdate();
        }
        long started = System.nanoTime();
        PostgresLogStore successor = PostgresLogStore.open(SHORT_LEASE, tm);
        try {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited for the lease").isGreaterThan(Duration.ofSeconds(1));
            assertThat(successor.epoch()).isEqualTo(crashedEpoch + 1);
            assertThat(successor.load()).extracting(r -> r.id).containsExactly("in-doubt");
        } finally {
            successor.close();
            crashed.close();
        }
    }

    @Test
    void anOwnerWhoseLeaseWasTakenOverIsFencedAndWritesNothing() throws Exception {
        String tm = tmName();
        PostgresLogStore paused = PostgresLogStore.open(DB, tm);
        paused.append(List.of(record(tm, "before-pause", TxState.COMMITTING)));
        // The paused process's lease runs out (it could not renew), and a survivor takes the TM name over.
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE twophase_log_owner SET lease_until = now() - interval '1 second' WHERE tm_name = ?")) {
            ps.setString(1, tm);
            ps.executeUpdate();
        }
        PostgresLogStore survivor = PostgresLogStore.open(DB, tm);
        assertThat(survivor.epoch()).isEqualTo(paused.epoch() + 1);
        assertThat(survivor.load()).extracting(r -> r.id).containsExactly("before-pause");

        assertThatExceptionOfType(LogWriteException.class)
                .isThrownBy(() -> paused.append(List.of(record(tm, "after-pause", TxState.COMMITTING))))
                .withStackTraceContaining("no longer owns the coordinator log");
        assertThat(paused.fenced()).isTrue();
        assertThat(rows(tm)).containsExactly("before-pause:COMMITTING");

        survivor.append(List.of(record(tm, "before-pause", TxState.TERMINATED)));
        assertThat(rows(tm)).isEmpty();
        paused.close();
        // The fenced process's close must not release the survivor's lease.
        assertThatExceptionOfType(LogException.class).isThrownBy(() -> PostgresLogStore.open(SHORT_LEASE, tm));
        survivor.close();
    }

    @Test
    void aCheckpointMakesTheRowsExactlyTheLiveRecords() throws Exception {
        String tm = tmName();
        PostgresLogStore store = PostgresLogStore.open(DB, tm);
        try {
            store.append(List.of(record(tm, "a", TxState.COMMITTING), record(tm, "orphan", TxState.COMMITTING)));
            store.checkpoint(List.of(record(tm, "a", TxState.COMMITTING), record(tm, "b", TxState.IN_DOUBT)));
            assertThat(rows(tm)).containsExactlyInAnyOrder("a:COMMITTING", "b:IN_DOUBT");
        } finally {
            store.close();
        }
    }

    private static List<String> rows(String tm) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT coordinator_id, state FROM twophase_log_record WHERE tm_name = ? ORDER BY coordinator_id")) {
            ps.setString(1, tm);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + ":" + rs.getString(2));
                }
            }
        }
        return rows;
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(DB.url(), DB.username(), DB.password());
    }

    private static String tmName() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    private static PendingTransactionRecord record(String tm, String id, TxState state) {
        return new PendingTransactionRecord(id, state, System.currentTimeMillis() + 60_000, tm);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
