package dev.twophase.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

/**
 * The group-commit log's contract: no writer returns before the force that covers its record, one
 * force for the records of writers that arrive while another force runs, a failed force fails
 * every writer it covered and never lets their records count, and Atomikos's record semantics.
 */
class GroupCommitLogTest {

    private static final String TM = "tm1";
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aWriterReturnsOnlyAfterTheForceThatCoversItsRecord() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        store.gate();
        Future<?> writer = pool.submit(() -> write(log, committing("tx1")));
        store.awaitForceStarted();
        Thread.sleep(200);
        assertThat(writer).as("returned while its force is still running").isNotDone();
        assertThat(log.get("tx1")).as("visible before it is durable").isNull();
        store.open();
        writer.get(5, TimeUnit.SECONDS);
        assertThat(store.forced).extracting(r -> r.id).containsExactly("tx1");
        assertThat(log.get("tx1").state).isEqualTo(TxState.COMMITTING);
    }

    @Test
    void writersArrivingDuringAForceShareTheNextOne() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        store.gate();
        Future<?> first = pool.submit(() -> write(log, committing("first")));
        store.awaitForceStarted();
        List<Future<?>> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "tx" + i;
            others.add(pool.submit(() -> write(log, committing(id))));
        }
        // All twenty are queued behind the running force before it completes.
        await().atMost(Duration.ofSeconds(5)).until(() -> log.queued() == 20);
        for (Future<?> f : others) {
            assertThat(f).isNotDone();
        }
        store.open();
        first.get(5, TimeUnit.SECONDS);
        for (Future<?> f : others) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertThat(store.batchSizes).containsExactly(1, 20);
        assertThat(log.stats().forces()).isEqualTo(2);
        assertThat(log.stats().records()).isEqualTo(21);
    }

    @Test
    void aFailedForceFailsEveryWriterItCoveredAndTheirRecordsDoNotCount() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        write(log, committing("before"));
        store.gate();
        Future<?> first = pool.submit(() -> write(log, committing("blocked")));
        store.awaitForceStarted();
        List<Future<?>> covered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "lost" + i;
            covered.add(pool.submit(() -> write(log, committing(id))));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> log.queued() == 5);
        store.failOnAppend = 3; // "before", "blocked", then the batch of the five
        store.open();
        first.get(5, TimeUnit.SECONDS); // its own force succeeded
        for (Future<?> f : covered) {
            assertThat(f).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .satisfies(e -> assertThat(e.getCause().getCause()).isInstanceOf(LogWriteException.class)
                            .hasRootCauseMessage("disk full"));
        }
        for (int i = 0; i < 5; i++) {
            assertThat(log.get("lost" + i)).isNull();
        }
        assertThat(log.stats().failedForces()).isEqualTo(1);
        // The next append first rewrites the store without the failed records.
        write(log, committing("after"));
        assertThat(store.checkpoints).last().satisfies(live -> assertThat(live).extracting(r -> r.id)
                .containsExactlyInAnyOrder("before", "blocked"));
        assertThat(store.contents()).containsOnlyKeys("before", "blocked", "after");
    }

    @Test
    void aFailedCheckpointFailsTheWritersUntilOneSucceeds() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        store.failOnAppend = 1;
        store.failCheckpoint = true;
        assertThatExceptionOfType(LogWriteException.class).isThrownBy(() -> log.write(committing("a")));
        assertThatExceptionOfType(LogWriteException.class).isThrownBy(() -> log.write(committing("b")));
        assertThat(log.get("b")).isNull();
        store.failCheckpoint = false;
        log.write(committing("c"));
        assertThat(store.contents()).containsOnlyKeys("c");
    }

    @Test
    void afterAFailedForceTheStoreIsRewrittenBeforeTheWritersAreTold() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        log.write(committing("kept"));
        store.failOnAppend = 2;
        assertThatExceptionOfType(LogWriteException.class).isThrownBy(() -> log.write(committing("failed")));
        // What a restart right now would load: the partial write is gone.
        assertThat(store.contents()).containsOnlyKeys("kept");
    }

    @Test
    void aCommitDecisionWhoseWriteFailedIsRefusedOnceTheStoreIsRewrittenWithoutIt() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        log.write(committing("logged"));
        // The database is down: the append fails, and so does the rewrite after it.
        store.failOnAppend = 2;
        store.failCheckpoint = true;
        assertThatExceptionOfType(LogWriteException.class).isThrownBy(() -> log.write(committing("lost")));
        assertThat(log.decisionRefused("lost")).as("the store might still hold it").isFalse();
        // Back: asking rewrites the store first, without the failed decision.
        store.failCheckpoint = false;
        assertThat(log.decisionRefused("lost")).isTrue();
        assertThat(store.contents()).containsOnlyKeys("logged");
        log.write(committing("next"));
        assertThat(store.contents()).containsOnlyKeys("logged", "next");
        assertThat(log.decisionRefused("logged")).isFalse();
        assertThat(log.decisionRefused("next")).isFalse();
    }

    @Test
    void aDecisionDurableElsewhereIsNeverRefusedWhileItsFailedAppendIsHandled() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, "tm", 500, 86_400_000);
        PendingTransactionRecord decided = new PendingTransactionRecord("decided", TxState.COMMITTING, System.currentTimeMillis() + 60_000, "tm");
        List<Boolean> refusedAtCheckpoint = new CopyOnWriteArrayList<>();
        store.failOnAppend = 1;
        // The checkpoint the leader runs right after the failed append, before its writer is told: a recovery
        // pass at that moment must neither see a refused decision nor miss the record.
        store.onCheckpoint = () -> refusedAtCheckpoint.add(log.refusalRecorded("decided") || log.getPendingTransactionRecords().isEmpty());

        log.appendDecided(decided);

        assertThat(refusedAtCheckpoint).as("refused (or missing) at each checkpoint during the failure").containsOnly(false).isNotEmpty();
        assertThat(store.checkpoints.get(store.checkpoints.size() - 1)).extracting(r -> r.id).containsExactly("decided");
        assertThat(log.decisionRefused("decided")).isFalse();
        assertThat(log.get("decided")).isNotNull();
    }

    @Test
    void closingFailsTheWritersStillQueuedAndNoneWritesAfterwards() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        store.gate();
        Future<?> first = pool.submit(() -> write(log, committing("first")));
        store.awaitForceStarted();
        Future<?> queued = pool.submit(() -> write(log, committing("queued")));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.queued() == 1);
        Future<?> closing = pool.submit(() -> {
            log.close();
            return null;
        });
        Thread.sleep(100);
        store.open();
        first.get(5, TimeUnit.SECONDS);
        closing.get(5, TimeUnit.SECONDS);
        assertThat(queued).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .satisfies(e -> assertThat(e).hasRootCauseMessage("the coordinator log gated test store is closed"));
        assertThat(store.forced).extracting(r -> r.id).containsExactly("first");
    }

    @Test
    void aStoreTakenOverByAnotherProcessMakesTheLogInactiveForRecovery() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        assertThat(log.isActive()).isTrue();
        store.owned = false;
        assertThat(log.isActive()).isFalse();
    }

    @Test
    void terminatedRecordsDropOutAndACheckpointKeepsOnlyLiveOnes() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 3, 86_400_000);
        log.write(committing("a"));
        log.write(committing("b"));
        log.forget("a");
        assertThat(log.get("a")).isNull();
        assertThat(log.getPendingTransactionRecords()).extracting(r -> r.id).containsExactly("b");
        log.write(committing("c")); // the fourth append: a checkpoint first
        assertThat(store.checkpoints).last().satisfies(live -> assertThat(live).extracting(r -> r.id).containsExactly("b"));
    }

    @Test
    void recoveryReadsWhatAnEarlierRunLeftAndPurgesOrphansAtStart() throws Exception {
        GatedStore store = new GatedStore();
        long now = System.currentTimeMillis();
        store.initial.add(new PendingTransactionRecord("live", TxState.COMMITTING, now + 60_000, TM));
        store.initial.add(new PendingTransactionRecord("done", TxState.COMMITTING, now + 60_000, TM));
        store.initial.add(new PendingTransactionRecord("done", TxState.TERMINATED, now + 60_000, TM));
        store.initial.add(new PendingTransactionRecord("orphan", TxState.COMMITTING, now - 10_000, TM));
        store.initial.add(new PendingTransactionRecord("heuristic", TxState.HEUR_MIXED, now - 10_000, TM));
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 1_000);
        assertThat(log.getPendingTransactionRecords()).extracting(r -> r.id).containsExactlyInAnyOrder("live", "heuristic");
        assertThat(store.checkpoints).hasSize(1);
        assertThat(log.getExpiredPendingCommittingTransactionRecordsAt(now + 120_000)).extracting(r -> r.id)
                .containsExactly("live");
        assertThat(log.getExpiredPendingCommittingTransactionRecordsAt(now)).isEmpty();
    }

    @Test
    void refusesWhatAtomikosRefuses() throws Exception {
        GroupCommitLog log = new GroupCommitLog(new GatedStore(), TM, 1000, 86_400_000);
        PendingTransactionRecord expiredInDoubt = new PendingTransactionRecord("x", TxState.IN_DOUBT,
                System.currentTimeMillis() - 1, TM, "superior");
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> log.write(expiredInDoubt));
    }

    @Test
    void anInterruptedWriterStillWaitsForItsForceAndKeepsItsInterrupt() throws Exception {
        GatedStore store = new GatedStore();
        GroupCommitLog log = new GroupCommitLog(store, TM, 1000, 86_400_000);
        store.gate();
        Future<?> first = pool.submit(() -> write(log, committing("first")));
        store.awaitForceStarted();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                log.write(committing("second"));
                interruptedAfter.complete(Thread.currentThread().isInterrupted());
            } catch (Throwable t) {
                interruptedAfter.completeExceptionally(t);
            }
        });
        writer.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> log.queued() == 1);
        writer.interrupt();
        Thread.sleep(200);
        assertThat(interruptedAfter).as("left on interrupt before its force").isNotDone();
        store.open();
        first.get(5, TimeUnit.SECONDS);
        assertThat(interruptedAfter.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(store.contents()).containsKeys("first", "second");
    }

    private static PendingTransactionRecord committing(String id) {
        return new PendingTransactionRecord(id, TxState.COMMITTING, System.currentTimeMillis() + 60_000, TM);
    }

    private static Void write(GroupCommitLog log, PendingTransactionRecord r) {
        try {
            log.write(r);
            return null;
        } catch (LogWriteException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A store whose appends can be held at the force and made to fail; it records every batch. */
    static final class GatedStore implements LogStore {
        final List<PendingTransactionRecord> initial = new ArrayList<>();
        final List<PendingTransactionRecord> forced = new CopyOnWriteArrayList<>();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final List<List<PendingTransactionRecord>> checkpoints = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile CountDownLatch forceStarted = new CountDownLatch(1);
        volatile int failOnAppend = -1;
        volatile boolean owned = true;
        private int appends;
        volatile boolean failCheckpoint;
        /** Runs at the start of every checkpoint (tests that look at the log in the middle of a failed append). */
        volatile Runnable onCheckpoint = () -> { };
        private final List<PendingTransactionRecord> durable = new CopyOnWriteArrayList<>();

        void gate() {
            gate = new CountDownLatch(1);
            forceStarted = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        void awaitForceStarted() throws InterruptedException {
            assertThat(forceStarted.await(5, TimeUnit.SECONDS)).as("a force started").isTrue();
        }

        @Override
        public Collection<PendingTransactionRecord> load() {
            java.util.Map<String, PendingTransactionRecord> latest = new java.util.LinkedHashMap<>();
            initial.forEach(r -> latest.put(r.id, r));
            return latest.values();
        }

        @Override
        public void append(List<PendingTransactionRecord> records) throws LogWriteException {
            forceStarted.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new LogWriteException(e);
            }
            if (++appends == failOnAppend) {
                durable.addAll(records.subList(0, records.size() / 2)); // a partial write
                throw new LogWriteException(new IOException("disk full"));
            }
            batchSizes.add(records.size());
            forced.addAll(records);
            durable.addAll(records);
        }

        @Override
        public void checkpoint(Collection<PendingTransactionRecord> live) throws LogWriteException {
            onCheckpoint.run();
            if (failCheckpoint) {
                throw new LogWriteException(new IOException("disk still full"));
            }
            checkpoints.add(List.copyOf(live));
            durable.clear();
            durable.addAll(live);
        }

        /** What a restart would load: the last durable record per transaction, final ones removed. */
        java.util.Map<String, PendingTransactionRecord> contents() {
            java.util.Map<String, PendingTransactionRecord> latest = new java.util.LinkedHashMap<>();
            durable.forEach(r -> latest.put(r.id, r));
            latest.values().removeIf(r -> r.state.isFinalState());
            return latest;
        }

        @Override
        public String describe() {
            return "gated test store";
        }

        @Override
        public boolean owned() {
            return owned;
        }

        @Override
        public void close() {
        }
    }
}
