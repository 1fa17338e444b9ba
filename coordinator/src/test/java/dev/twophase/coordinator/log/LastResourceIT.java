package dev.twophase.coordinator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

import dev.twophase.coordinator.xa.DelegatingXAResource;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.coordinator.xa.XaResourceLink;

/**
 * The logging last resource on the real PostgreSQL, driven as Atomikos drives a participant: the
 * branch inserts its commit record when it starts, is never prepared ({@code pg_prepared_xacts}
 * stays empty), commits in one phase inside the COMMITTING record's write and before the record
 * reaches the store; a refused or failed decision writes no record and leaves nothing committed; a
 * decision whose record never reached the log is adopted from the table when the log opens; a failed
 * commit call whose commit did happen is found by the probe.
 */
class LastResourceIT {

    private static final String URL = env("TWOPHASE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/twophase_it_a");
    private static final String USER = env("TWOPHASE_TEST_PG_USER", "twophase");
    private static final String PASSWORD = env("TWOPHASE_TEST_PG_PASSWORD", "twophase");
    private static final String TM = "llr-it-" + ProcessHandle.current().pid();
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** What the next commit of the decision does on its way through the chain. */
    private volatile Failure failure = Failure.NONE;

    private enum Failure { NONE, BEFORE_VENDOR, AFTER_VENDOR, ROLLED_BACK }

    private final XaResourceLink failing = (participant, next, vendor) -> new DelegatingXAResource(next) {
        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            Failure f = failure;
            if (f == Failure.BEFORE_VENDOR) {
                throw new XAException(XAException.XAER_RMFAIL);
            }
            if (f == Failure.ROLLED_BACK) {
                next.rollback(xid);
                throw new XAException(XAException.XA_RBROLLBACK);
            }
            super.commit(xid, onePhase);
            if (f == Failure.AFTER_VENDOR) {
                throw new XAException(XAException.XAER_RMFAIL);
            }
        }
    };

    private final XaResourceLink pass = (participant, next, vendor) -> next;
    private final XaResourceChain chain = new XaResourceChain(pass, pass, List.of(failing), "bank-a");
    private final List<XAConnection> opened = new ArrayList<>();
    /** The log of each test: group commit over a store that records every batch, as Atomikos sees it. */
    private final GroupCommitLogTest.GatedStore store = new GroupCommitLogTest.GatedStore();
    private GroupCommitLog group;
    private OnePhaseAwareLog log;

    @org.junit.jupiter.api.BeforeEach
    void openLog() throws Exception {
        group = new GroupCommitLog(store, TM, 500, 86_400_000);
        log = new OnePhaseAwareLog(group, group);
    }

    @BeforeAll
    static void table() throws SQLException {
        LastResource.configure(new LastResource.Settings("bank-a", URL, USER, PASSWORD, TM));
        LastResource.current().ensureTable();
        // Twice: the second finds it.
        LastResource.current().ensureTable();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS llr_it_work (id VARCHAR(64) PRIMARY KEY)");
        }
    }

    @AfterAll
    static void off() throws SQLException {
        LastResource.configure(null);
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + LastResource.TABLE + " WHERE tm_name = ? OR gtrid LIKE ?")) {
            ps.setString(1, TM);
            ps.setString(2, TM + ".%"); // the fences of this test's transactions
            ps.executeUpdate();
        }
    }

    @Test
    void aTransactionWhoseOnlyBranchItIsCommitsInOnePhaseWithoutARecord() throws Exception {
        Branch b = begin();
        b.resource.commit(b.xid, true); // Atomikos's one-phase commit: never prepared
        assertThat(workExists(b.gtrid)).isTrue();
        assertThat(recordRowExists(b.gtrid)).as("a commit record for a one-phase transaction").isFalse();
    }

    @Test
    void aJoinAfterAnEndHeldBackContinuesTheSameBranch() throws Exception {
        Branch b = begin();
        b.resource.start(b.xid, XAResource.TMJOIN);
        try (PreparedStatement insert = b.work.prepareStatement("INSERT INTO llr_it_work (id) VALUES (?)")) {
            insert.setString(1, b.gtrid + "-joined");
            insert.executeUpdate();
        }
        b.resource.end(b.xid, XAResource.TMSUCCESS);
        b.resource.rollback(b.xid);
        assertThat(workExists(b.gtrid)).isFalse();
        assertThat(workExists(b.gtrid + "-joined")).isFalse();
    }

    @AfterEach
    void close() throws SQLException {
        log.close();
        for (XAConnection c : opened) {
            c.close();
        }
    }

    @Test
    void theBranchIsNeverPreparedAndCommitsBeforeTheRecordIsWritten() throws Exception {
        GroupCommitLogTest.GatedStore store = new GroupCommitLogTest.GatedStore();
        List<Boolean> committedWhenForced = new ArrayList<>();
        LogStore checking = new CheckingStore(store, id -> committedWhenForced.add(recordRowExists(id) && workExists(id)));
        GroupCommitLog checked = new GroupCommitLog(checking, TM, 500, 86_400_000);
        OnePhaseAwareLog log = new OnePhaseAwareLog(checked, checked);
        Branch b = begin();

        assertThat(b.resource.prepare(b.xid)).isEqualTo(XAResource.XA_OK);
        assertThat(preparedHere()).as("branches prepared in PostgreSQL").isZero();
        assertThat(recordRowExists(b.gtrid)).as("the commit record before the decision").isFalse();

        log.write(record(b.gtrid, TxState.COMMITTING));
        assertThat(committedWhenForced).as("the branch had committed when its COMMITTING record was forced").containsExactly(true);
        assertThat(store.forced).extracting(r -> r.id + ":" + r.state).containsExactly(b.gtrid + ":COMMITTING");

        b.resource.commit(b.xid, false); // the second phase: nothing left to do
        assertThat(workExists(b.gtrid)).isTrue();

        log.write(record(b.gtrid, TxState.TERMINATED));
        await().atMost(Duration.ofSeconds(10)).until(() -> !recordRowExists(b.gtrid));
        log.close();
    }

    @Test
    void aDecisionThatFailsBeforeTheDatabaseRollsBackAndWritesNoRecord() throws Exception {
        Branch b = begin();
        b.resource.prepare(b.xid);
        failure = Failure.BEFORE_VENDOR;

        long started = System.nanoTime();
        assertThatThrownBy(() -> log.write(record(b.gtrid, TxState.COMMITTING))).isInstanceOf(LogWriteException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no probe waited on the branch's own lock").isLessThan(Duration.ofSeconds(4));
        assertThat(store.forced).as("records written").isEmpty();
        assertThat(group.decisionRefused(b.gtrid)).isTrue();
        b.resource.rollback(b.xid); // what Atomikos does next
        assertThat(workExists(b.gtrid)).isFalse();
        assertThat(recordRowExists(b.gtrid)).isFalse();
    }

    @Test
    void aBranchThatVotesRollbackAtTheDecisionWritesNoRecord() throws Exception {
        Branch b = begin();
        b.resource.prepare(b.xid);
        failure = Failure.ROLLED_BACK;

        assertThatThrownBy(() -> log.write(record(b.gtrid, TxState.COMMITTING))).isInstanceOf(LogWriteException.class);
        assertThat(store.forced).isEmpty();
        assertThat(workExists(b.gtrid)).isFalse();
        assertThat(recordRowExists(b.gtrid)).isFalse();
    }

    @Test
    void aCommitThatHappenedDespiteAFailedCallIsFoundByTheProbe() throws Exception {
        Branch b = begin();
        b.resource.prepare(b.xid);
        failure = Failure.AFTER_VENDOR;

        log.write(record(b.gtrid, TxState.COMMITTING));
        assertThat(store.forced).extracting(r -> r.id + ":" + r.state).containsExactly(b.gtrid + ":COMMITTING");
        assertThat(LastResource.current().stats().probes()).isPositive();
        failure = Failure.NONE;
        b.resource.commit(b.xid, false); // must not commit again (the driver would refuse)
        assertThat(workExists(b.gtrid)).isTrue();
    }

    @Test
    void aDecisionWhoseRecordNeverReachedTheLogIsAdoptedWhenTheLogOpens() throws Exception {
        Branch b = committedBeforeTheRecord();

        GroupCommitLogTest.GatedStore store = new GroupCommitLogTest.GatedStore();
        GroupCommitLog restarted = new GroupCommitLog(store, TM, 500, 86_400_000);
        List<String> adopted = restarted.adoptDecisions(LastResource.current().committedIds(TM));
        assertThat(adopted).contains(b.gtrid);
        assertThat(store.forced).extracting(r -> r.id + ":" + r.state).contains(b.gtrid + ":COMMITTING");
        assertThat(restarted.getExpiredPendingCommittingTransactionRecordsAt(System.currentTimeMillis() + 1))
                .as("what recovery commits at its first pass").extracting(r -> r.id).contains(b.gtrid);
        // Adopting again (the next start, before recovery finished) adds nothing.
        assertThat(restarted.adoptDecisions(LastResource.current().committedIds(TM))).doesNotContain(b.gtrid);
        restarted.close();
    }

    @Test
    void aDecisionLeftByALastResourceSinceSwitchedOffIsAdoptedAndItsRowDeleted() throws Exception {
        Branch b = committedBeforeTheRecord();
        // Then the restart with the setting switched off: bank A is one of the other participants now.
        LastResource.Settings bankA = LastResource.current().settings();
        LastResource.configure(null);
        LastResource.configureFormers(List.of(bankA));
        try {
            GroupCommitLogTest.GatedStore restartedStore = new GroupCommitLogTest.GatedStore();
            GroupCommitLog restarted = new GroupCommitLog(restartedStore, TM, 500, 86_400_000);
            LogStores.adoptLastResourceDecisions(restarted, TM);
            assertThat(restartedStore.forced).extracting(r -> r.id + ":" + r.state).contains(b.gtrid + ":COMMITTING");
            assertThat(restarted.getExpiredPendingCommittingTransactionRecordsAt(System.currentTimeMillis() + 1))
                    .as("what recovery commits at its first pass").extracting(r -> r.id).contains(b.gtrid);
            assertThat(recordRowExists(b.gtrid)).as("the row, once its decision is a forced record").isFalse();
            restarted.close();
        } finally {
            LastResource.configureFormers(List.of());
            LastResource.configure(bankA);
        }
    }

    @Test
    void anUnreachableFormerLastResourceDoesNotStopTheLogFromOpening() throws Exception {
        LastResource.configureFormers(List.of(new LastResource.Settings("bank-x", "jdbc:postgresql://127.0.0.1:1/nowhere", USER, PASSWORD, TM)));
        try {
            GroupCommitLogTest.GatedStore restartedStore = new GroupCommitLogTest.GatedStore();
            GroupCommitLog restarted = new GroupCommitLog(restartedStore, TM, 500, 86_400_000);
            LogStores.adoptLastResourceDecisions(restarted, TM); // logs a warning naming bank-x, does not throw
            List<String> unreadable = new ArrayList<>();
            LastResource.committedIdsEverywhere(TM, unreadable);
            assertThat(unreadable).singleElement().asString().contains("bank-x").contains(LastResource.TABLE);
            restarted.close();
        } finally {
            LastResource.configureFormers(List.of());
        }
    }

    @Test
    void aDecisionWhoseRecordCannotBeWrittenStaysInMemoryAndIsCheckpointedLater() throws Exception {
        Branch b = begin();
        b.resource.prepare(b.xid);
        store.failOnAppend = 1;

        log.write(record(b.gtrid, TxState.COMMITTING)); // does not throw: the branch committed
        assertThat(workExists(b.gtrid)).isTrue();
        assertThat(group.get(b.gtrid)).as("the decision recovery in this process sees").isNotNull();
        assertThat(group.decisionRefused(b.gtrid)).isFalse();
        log.write(record("other-" + b.gtrid, TxState.COMMITTING)); // the next append checkpoints first
        assertThat(store.checkpoints.get(store.checkpoints.size() - 1)).extracting(r -> r.id).contains(b.gtrid);
    }

    @Test
    void aNodeThatLostItsLeaseDoesNotDecideAndRollsItsBranchBack() throws Exception {
        Branch b = begin();
        b.resource.prepare(b.xid);
        store.owned = false; // paused past its lease: another node may have taken its TM name over

        assertThatThrownBy(() -> log.write(record(b.gtrid, TxState.COMMITTING))).isInstanceOf(LogWriteException.class);
        assertThat(store.forced).as("records written").isEmpty();
        assertThat(workExists(b.gtrid)).isFalse();
        // Rolled back at once: the new owner's fence does not wait on the branch's lock.
        long started = System.nanoTime();
        assertThat(LastResource.current().fence(b.gtrid, TM)).isEqualTo(LastResource.Outcome.ROLLED_BACK);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aCommitThatHappenedIsFoundEvenWhenTheDriverSaysItsBranchRolledBack() throws Exception {
        // H2 answers a rollback of a branch that has committed without error: the probe, not the driver, decides.
        String gtrid = TM + ".h2-" + System.nanoTime();
        // H2: the database committed and the answer was lost; its rollback on the connection then "succeeds".
        StubBranch branch = new StubBranch(gtrid, () -> insertRecordRow(gtrid), true);
        LastResource.current().enlisted(gtrid, branch);

        log.write(record(gtrid, TxState.COMMITTING));

        assertThat(store.forced).extracting(r -> r.id + ":" + r.state).containsExactly(gtrid + ":COMMITTING");
        assertThat(branch.calls).containsExactly("commitOnePhase", "abandon", "committed");
    }

    @Test
    void aDecisionNobodyAnswersIsAHazardNotARefusalAndIsSettledOnceTheDatabaseAnswers() throws Exception {
        LastResource.Settings bankA = LastResource.current().settings();
        LastResource.configure(bankA, Duration.ofSeconds(1), Duration.ofSeconds(1));
        List<String> hazards = new ArrayList<>();
        try (Connection holder = connect(); AutoCloseable listening = LastResource.onUnknownOutcome((p, xid, detail) -> hazards.add(p + ": " + detail))) {
            String gtrid = TM + ".lost-" + System.nanoTime();
            // The commit went out and its answer was lost while the database still works on it: the row is held open.
            holder.setAutoCommit(false);
            try (PreparedStatement insert = holder.prepareStatement(LastResource.insertSql())) {
                insert.setString(1, gtrid);
                insert.setString(2, TM);
                insert.executeUpdate();
            }
            LastResource.current().enlisted(gtrid, StubBranch.lostConnection(gtrid));

            long started = System.nanoTime();
            assertThatThrownBy(() -> log.write(record(gtrid, TxState.COMMITTING))).isInstanceOf(LogWriteException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the probe's deadline").isLessThan(Duration.ofSeconds(5));
            assertThat(LastResource.takeUnknownOutcome()).as("the caller is told the outcome is unknown").isTrue();
            assertThat(LastResource.takeUnknownOutcome()).isFalse();
            assertThat(store.forced).isEmpty();
            assertThat(group.refusalRecorded(gtrid)).as("a refusal would roll the others back").isFalse();
            assertThat(hazards).singleElement().asString().startsWith("bank-a: ").contains(gtrid).contains(LastResource.TABLE);
            assertThat(LastResource.current().outcomeUnknown(gtrid)).isTrue();

            assertThat(OnePhaseAwareLog.settle(group, LastResource.current(), gtrid)).as("still held").isEqualTo(LastResource.Outcome.UNKNOWN);
            assertThat(group.get(gtrid)).isNull();
            holder.commit();
            assertThat(OnePhaseAwareLog.settle(group, LastResource.current(), gtrid)).isEqualTo(LastResource.Outcome.COMMITTED);
            assertThat(group.get(gtrid)).as("the decision, now in the log for recovery").isNotNull()
                    .extracting(r -> r.state).isEqualTo(TxState.COMMITTING);
            assertThat(store.forced).extracting(r -> r.id + ":" + r.state).containsExactly(gtrid + ":COMMITTING");
            assertThat(LastResource.current().outcomeUnknown(gtrid)).isFalse();
            assertThat(OnePhaseAwareLog.settle(group, LastResource.current(), gtrid)).as("no longer unknown").isNull();
        } finally {
            LastResource.configure(bankA);
        }
    }

    @Test
    void theProbeOfAnUnreachableDatabaseStopsAtItsDeadline() throws Exception {
        LastResource.Settings bankA = LastResource.current().settings();
        LastResource.configure(new LastResource.Settings("bank-a", "jdbc:postgresql://127.0.0.1:1/nowhere", USER, PASSWORD, TM),
                Duration.ofSeconds(2), Duration.ofSeconds(1));
        try {
            long started = System.nanoTime();
            assertThat(LastResource.current().probe(TM + ".nowhere", Duration.ofSeconds(2))).isEqualTo(LastResource.Outcome.UNKNOWN);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1_400), Duration.ofSeconds(5));
            assertThat(LastResource.current().fence(TM + ".nowhere", TM)).isEqualTo(LastResource.Outcome.UNKNOWN);
        } finally {
            LastResource.configure(bankA);
        }
    }

    @Test
    void aFenceKeepsABranchThatHasNotRecordedItselfYetFromCommitting() throws Exception {
        Branch b = begin();

        assertThat(LastResource.current().fence(b.gtrid, TM)).isEqualTo(LastResource.Outcome.ROLLED_BACK);
        assertThatThrownBy(() -> b.resource.prepare(b.xid)).isInstanceOfSatisfying(XAException.class,
                e -> assertThat(e.errorCode).isEqualTo(XAException.XA_RBOTHER));
        assertThat(workExists(b.gtrid)).isFalse();
        // Atomikos rolls back the branch that voted no; with its connection gone (a database going down) that must not
        // fail, or Atomikos reports a heuristic hazard for a transaction rolled back everywhere.
        opened.get(opened.size() - 1).close();
        b.resource.rollback(b.xid);
        assertThat(LastResource.current().committedIds(TM)).as("a fence is no decision").doesNotContain(b.gtrid);
        assertThat(LastResource.current().fence(b.gtrid, TM)).as("fenced already").isEqualTo(LastResource.Outcome.ROLLED_BACK);
    }

    @Test
    void aFenceWaitsOnABranchThatHoldsItsRecordAndThenFindsItCommitted() throws Exception {
        LastResource.Settings bankA = LastResource.current().settings();
        LastResource.configure(bankA, Duration.ofSeconds(1), Duration.ofSeconds(1));
        try {
            Branch b = begin();
            b.resource.prepare(b.xid); // the row is in the open branch

            assertThat(LastResource.current().fence(b.gtrid, TM)).as("while the branch is open").isEqualTo(LastResource.Outcome.UNKNOWN);
            log.write(record(b.gtrid, TxState.COMMITTING));
            assertThat(LastResource.current().fence(b.gtrid, TM)).isEqualTo(LastResource.Outcome.COMMITTED);
            assertThat(workExists(b.gtrid)).isTrue();
        } finally {
            LastResource.configure(bankA);
        }
    }

    @Test
    void fencesOlderThanADayGoWhenTheTableIsEnsured() throws Exception {
        String old = TM + ".old-fence";
        String young = TM + ".young-fence";
        try (Connection c = connect(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO " + LastResource.TABLE + " (gtrid, tm_name, created_at) VALUES (?, ?, ?)")) {
            for (String id : List.of(old, young)) {
                insert.setString(1, id);
                insert.setString(2, LastResource.FENCE);
                insert.setTimestamp(3, java.sql.Timestamp.from(java.time.Instant.now().minus(Duration.ofDays(id.equals(old) ? 2 : 0))));
                insert.executeUpdate();
            }
        }

        LastResource.current().ensureTable();

        assertThat(recordRowExists(old)).isFalse();
        assertThat(recordRowExists(young)).isTrue();
    }

    // ---------------------------------------------------------------------------------------------

    private record Branch(XAResource resource, Xid xid, String gtrid, Connection work) {
    }

    /** Starts a branch on the last resource, does some work in it and ends it, as Atomikos would. */
    /** The crash: the branch committed in one phase (its row with it), the process died before the COMMITTING record was forced. */
    private Branch committedBeforeTheRecord() throws Exception {
        Branch b = begin();
        b.resource.prepare(b.xid);
        b.resource.commit(b.xid, true);
        assertThat(recordRowExists(b.gtrid)).isTrue();
        return b;
    }

    private Branch begin() throws Exception {
        XADataSource ds = chain.wrap("bank-a", vendor());
        XAConnection xa = ds.getXAConnection();
        opened.add(xa);
        Connection work = xa.getConnection();
        XAResource resource = xa.getXAResource();
        String gtrid = TM + "." + System.nanoTime() + SEQ.incrementAndGet();
        Xid xid = PlainXid.of(0x41544F4D, gtrid, gtrid + ".1");
        resource.start(xid, XAResource.TMNOFLAGS);
        try (PreparedStatement insert = work.prepareStatement("INSERT INTO llr_it_work (id) VALUES (?)")) {
            insert.setString(1, gtrid);
            insert.executeUpdate();
        }
        resource.end(xid, XAResource.TMSUCCESS);
        return new Branch(resource, xid, gtrid, work);
    }

    private static void insertRecordRow(String gtrid) throws SQLException {
        try (Connection c = connect(); PreparedStatement insert = c.prepareStatement(LastResource.insertSql())) {
            insert.setString(1, gtrid);
            insert.setString(2, TM);
            insert.executeUpdate();
        }
    }

    private static XADataSource vendor() {
        PGXADataSource ds = new PGXADataSource();
        ds.setUrl(URL);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    private static PendingTransactionRecord record(String id, TxState state) {
        return new PendingTransactionRecord(id, state, System.currentTimeMillis() + 60_000, TM);
    }

    private static boolean recordRowExists(String gtrid) throws SQLException {
        return exists("SELECT 1 FROM " + LastResource.TABLE + " WHERE gtrid = ?", gtrid);
    }

    private static boolean workExists(String gtrid) throws SQLException {
        return exists("SELECT 1 FROM llr_it_work WHERE id = ?", gtrid);
    }

    private static int preparedHere() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static boolean exists(String sql, String id) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Passes everything to a store, and checks something at each append (before the force). */
    private static final class CheckingStore implements LogStore {
        private final LogStore delegate;
        private final java.util.function.Consumer<String> check;

        CheckingStore(LogStore delegate, CheckedConsumer check) {
            this.delegate = delegate;
            this.check = id -> {
                try {
                    check.accept(id);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
        }

        @Override
        public java.util.Collection<PendingTransactionRecord> load() throws com.atomikos.recovery.LogReadException {
            return delegate.load();
        }

        @Override
        public void append(List<PendingTransactionRecord> records) throws LogWriteException {
            records.stream().filter(r -> r.state == TxState.COMMITTING).forEach(r -> check.accept(r.id));
            delegate.append(records);
        }

        @Override
        public void checkpoint(java.util.Collection<PendingTransactionRecord> live) throws LogWriteException {
            delegate.checkpoint(live);
        }

        @Override
        public String describe() {
            return "checking " + delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @FunctionalInterface
    private interface CheckedConsumer {
        void accept(String id) throws SQLException;
    }
}
