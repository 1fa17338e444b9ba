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
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM " + LastResource.TABLE + " WHERE tm_name = ?")) {
            ps.setString(1, TM);
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
