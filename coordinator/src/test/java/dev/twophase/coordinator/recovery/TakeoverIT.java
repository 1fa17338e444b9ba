package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

import dev.twophase.coordinator.log.PostgresLogSchema;
import dev.twophase.coordinator.log.PostgresLogStore;
import dev.twophase.coordinator.log.PostgresLogTakeover;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XidText;

/**
 * Takeover on the real PostgreSQL, both as the log database and as the participant: a TM name whose
 * lease ran out is taken with the next epoch, its branches are committed where its log holds the
 * commit decision and rolled back otherwise, branches of other TM names are left alone, the TM name
 * is settled (records gone, not taken again) until its owner comes back, and an owner paused past its
 * lease is fenced.
 */
class TakeoverIT {

    private static final String URL = env("TWOPHASE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/twophase_it_a");
    private static final String USER = env("TWOPHASE_TEST_PG_USER", "twophase");
    private static final String PASSWORD = env("TWOPHASE_TEST_PG_PASSWORD", "twophase");
    private static final PostgresLogStore.Settings DB = new PostgresLogStore.Settings(URL, USER, PASSWORD, Duration.ofSeconds(2));

    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final String survivorTm = "survivor-" + run + ".";
    private final String deadTm = "dead-" + run + ".";
    private final String otherTm = "other-" + run + ".";
    private final List<Xid> prepared = new ArrayList<>();
    private final List<Report> audited = new ArrayList<>();
    private FakeAtomikos atomikos;
    private boolean participantDown;
    private XAConnection scanConnection;

    private record Report(String phase, String tmName, String detail) {
    }

    @BeforeAll
    static void schema() throws Exception {
        PostgresLogSchema.migrate(DB);
        // Before any branch: a branch that created it would hold the new table's lock while prepared, and the
        // next branch's CREATE TABLE IF NOT EXISTS would wait for it forever.
        try (Connection c = connect()) {
            execute(c, "CREATE TABLE IF NOT EXISTS takeover_it (label text PRIMARY KEY)");
        }
    }

    @BeforeEach
    void participant() {
        atomikos = new FakeAtomikos().register("bank-a", () -> {
            if (participantDown) {
                throw new IllegalStateException("bank-a is unreachable");
            }
            return scanResource();
        });
    }

    /** The participant's recovery XAResource, one connection per test as Atomikos keeps one per resource. */
    private XAResource scanResource() {
        try {
            if (scanConnection == null) {
                scanConnection = dataSource().getXAConnection();
            }
            return scanConnection.getXAResource();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Xid xid : prepared) {
            try {
                scanResource().rollback(xid);
            } catch (javax.transaction.xa.XAException alreadyDone) {
                // completed by the test
            }
        }
        scanConnection.close();
        try (Connection c = connect()) {
            for (String tm : List.of(deadTm, otherTm, survivorTm)) {
                execute(c, "DELETE FROM twophase_log_record WHERE tm_name = ?", tm);
                execute(c, "DELETE FROM twophase_log_owner WHERE tm_name = ?", tm);
            }
        }
    }

    @Test
    void aDeadOwnersBranchesAreCommittedWhereItsLogDecidedAndRolledBackOtherwiseAndTheTmNameIsSettled() throws Exception {
        Xid decided = prepare(deadTm, 1, "decided");
        Xid undecided = prepare(deadTm, 2, "undecided");
        Xid othersBranch = prepare(otherTm, 1, "others");
        deadOwner(deadTm, 3, XidText.gtrid(decided));
        deadOwnerLive(otherTm);

        List<Takeover.Report> reports = takeover().look().stream().filter(r -> r.tmName().equals(deadTm)).toList();

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.epoch()).isEqualTo(4);
            assertThat(r.commitDecisions()).isEqualTo(1);
            assertThat(r.committed()).isEqualTo(1);
            assertThat(r.rolledBack()).isEqualTo(1);
            assertThat(r.settled()).as("left: %s", r.left()).isTrue();
        });
        assertThat(preparedGids()).as("prepared on PostgreSQL after the takeover")
                .doesNotContain(gid(decided), gid(undecided)).contains(gid(othersBranch));
        assertThat(committedRow("decided")).as("the decided branch's row").isTrue();
        assertThat(committedRow("undecided")).as("the undecided branch's row").isFalse();
        assertThat(logRows(deadTm)).as("the commit decision stays for the returning owner").isEqualTo(1);
        assertThat(owner(deadTm)).contains("epoch=4").contains("settled=true").contains("expired=true");
        assertThat(audited).extracting(Report::phase).containsExactly("started", "finished");
        assertThat(audited.get(1).detail()).contains("settled");

        // Settled: the next look leaves the TM name alone until its owner has held it again.
        assertThat(takeover().look()).noneMatch(r -> r.tmName().equals(deadTm));
        PostgresLogStore back = PostgresLogStore.open(DB, deadTm);
        try {
            assertThat(back.epoch()).as("the returning owner's epoch").isEqualTo(5);
            assertThat(back.load()).as("the returning owner's log").extracting(r -> r.id + ":" + r.state)
                    .containsExactly(XidText.gtrid(decided) + ":COMMITTING");
            assertThat(owner(deadTm)).contains("settled=false");
        } finally {
            back.close();
        }
    }

    @Test
    void aDeadOwnersBranchWithoutDecisionIsRolledBackOnlyOnceItsLastResourceBranchIsFencedOff() throws Exception {
        // The dead owner ran bank-a as its logging last resource. For "gone" its branch there is over; for
        // "paused" it still holds its commit record open: the owner is only paused and may yet commit it.
        dev.twophase.coordinator.log.LastResource.configure(new dev.twophase.coordinator.log.LastResource.Settings("bank-a", URL, USER,
                PASSWORD, survivorTm));
        try (Connection holder = connect()) {
            dev.twophase.coordinator.log.LastResource.current().ensureTable();
            Xid gone = prepare(deadTm, 1, "gone");
            Xid paused = prepare(deadTm, 2, "paused");
            deadOwner(deadTm, 1, null);
            holder.setAutoCommit(false);
            execute(holder, dev.twophase.coordinator.log.LastResource.insertSql(), XidText.gtrid(paused), deadTm);

            Takeover.Report first = takeover().look().stream().filter(r -> r.tmName().equals(deadTm)).findFirst().orElseThrow();

            assertThat(first.rolledBack()).isEqualTo(1);
            assertThat(first.settled()).isFalse();
            assertThat(first.left()).anyMatch(l -> l.contains(XidText.of(paused)) && l.contains("could not be fenced"));
            assertThat(preparedGids()).doesNotContain(gid(gone)).contains(gid(paused));

            holder.commit(); // the owner resumes and its last resource commits: the transaction is decided commit
            Takeover.Report second = takeover().look().stream().filter(r -> r.tmName().equals(deadTm)).findFirst().orElseThrow();

            assertThat(second.settled()).as("left: %s", second.left()).isTrue();
            assertThat(second.committed()).isEqualTo(1);
            assertThat(committedRow("paused")).isTrue();
            assertThat(committedRow("gone")).isFalse();
        } finally {
            dev.twophase.coordinator.log.LastResource.configure(null);
            try (Connection c = connect()) {
                execute(c, "DELETE FROM " + dev.twophase.coordinator.log.LastResource.TABLE + " WHERE gtrid LIKE ?", deadTm + "%");
            }
        }
    }

    @Test
    void aTakeoverThatCannotReachAParticipantKeepsTheLogAndIsTriedAgain() throws Exception {
        Xid decided = prepare(deadTm, 1, "decided-later");
        deadOwner(deadTm, 1, XidText.gtrid(decided));
        participantDown = true;

        Takeover.Report first = takeover().look().stream().filter(r -> r.tmName().equals(deadTm)).findFirst().orElseThrow();
        assertThat(first.settled()).isFalse();
        assertThat(first.left()).anyMatch(l -> l.contains("bank-a could not be scanned"));
        assertThat(logRows(deadTm)).as("the commit decision stays in the log").isEqualTo(1);
        assertThat(owner(deadTm)).as("released at once, not settled").contains("settled=false").contains("expired=true");
        assertThat(preparedGids()).contains(gid(decided));

        participantDown = false;
        Takeover.Report second = takeover().look().stream().filter(r -> r.tmName().equals(deadTm)).findFirst().orElseThrow();
        assertThat(second.settled()).isTrue();
        assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
        assertThat(second.committed()).isEqualTo(1);
        assertThat(committedRow("decided-later")).isTrue();
    }

    @Test
    void aTakeoverWhoseClaimLapsedBeforeItActsTouchesNothing() throws Exception {
        Xid owners = prepare(deadTm, 1, "returned-owners");
        deadOwner(deadTm, 1, null);
        // While the takeover waits for the participants, its claim lapses and the owner takes its name back
        // (a new epoch) and prepares a branch that its log may decide to commit: the takeover must not touch it.
        Takeover takeover = new Takeover(new PostgresLogTakeover(DB, survivorTm, "survivor"), work -> {
            try (Connection c = connect()) {
                // Only while this takeover holds deadTm (a look also takes other tests' leftover names).
                execute(c, "UPDATE twophase_log_owner SET epoch = epoch + 1, owner = 'the returned owner',"
                        + " lease_until = now() + interval '1 minute' WHERE tm_name = ? AND owner LIKE 'takeover by %'", deadTm);
            }
            work.accept(atomikos.participants());
        }, atomikos, new HeuristicRegistry(), Takeover.Audit.NONE, new Takeover.Settings(Duration.ofSeconds(1), Set.of()),
                Clock.systemUTC());

        Takeover.Report report = takeover.look().stream().filter(r -> r.tmName().equals(deadTm)).findFirst().orElseThrow();

        assertThat(report.settled()).isFalse();
        assertThat(report.rolledBack()).isZero();
        assertThat(report.left()).anyMatch(l -> l.contains("bank-a was not touched"));
        assertThat(preparedGids()).as("the returned owner's branch").contains(gid(owners));
        assertThat(owner(deadTm)).contains("epoch=3").contains("settled=false").contains("expired=false");
    }

    @Test
    void anInstanceTriesANameItReleasedWithWorkLeftLessAndLessOften() throws Exception {
        prepare(deadTm, 1, "waits");
        deadOwner(deadTm, 1, null);
        participantDown = true;
        Takeover takeover = takeover();

        assertThat(takeover.look()).anyMatch(r -> r.tmName().equals(deadTm) && !r.settled());
        assertThat(takeover.look()).as("right after releasing it").noneMatch(r -> r.tmName().equals(deadTm));
        Thread.sleep(2_100); // twice the interval
        participantDown = false;
        assertThat(takeover.look()).anyMatch(r -> r.tmName().equals(deadTm) && r.settled());
    }

    @Test
    void aRequiredParticipantThatIsNotRegisteredHereKeepsTheTakeoverFromSettling() throws Exception {
        deadOwner(deadTm, 1, null);
        Takeover takeover = new Takeover(new PostgresLogTakeover(DB, survivorTm, "survivor"), work -> work.accept(atomikos.participants()),
                atomikos, new HeuristicRegistry(), Takeover.Audit.NONE, new Takeover.Settings(Duration.ofSeconds(1), Set.of("broker")),
                Clock.systemUTC());
        Takeover.Report report = takeover.look().stream().filter(r -> r.tmName().equals(deadTm)).findFirst().orElseThrow();
        assertThat(report.settled()).isFalse();
        assertThat(report.left()).anyMatch(l -> l.contains("participant broker was not scanned"));
    }

    @Test
    void anOwnerPausedPastItsLeaseIsFencedOnceTakenOverAndALiveOwnerIsNeverTaken() throws Exception {
        PostgresLogStore paused = PostgresLogStore.open(DB, deadTm);
        try {
            assertThat(takeover().look()).as("a live lease is not taken").noneMatch(r -> r.tmName().equals(deadTm));
            // The pause: its lease runs out without a renewal reaching the database. Its renewal thread still
            // runs here and may extend the lease between the two statements: then the next try takes it.
            boolean taken = false;
            for (int attempt = 0; attempt < 10 && !taken; attempt++) {
                try (Connection c = connect()) {
                    execute(c, "UPDATE twophase_log_owner SET lease_until = now() - interval '1 second' WHERE tm_name = ?", deadTm);
                }
                taken = takeover().look().stream().anyMatch(r -> r.tmName().equals(deadTm) && r.settled());
            }
            assertThat(taken).as("the takeover of the paused owner's TM name").isTrue();
            assertThatExceptionOfType(LogWriteException.class).as("a write of the paused owner after the takeover")
                    .isThrownBy(() -> paused.append(List.of(new PendingTransactionRecord(deadTm + "late", TxState.COMMITTING,
                            System.currentTimeMillis() + 10_000, deadTm))));
            assertThat(paused.owned()).isFalse();
            assertThat(logRows(deadTm)).as("records the fenced owner wrote").isZero();
        } finally {
            paused.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private Takeover takeover() {
        Takeover.Audit audit = new Takeover.Audit() {
            @Override
            public String started(String tmName, long epoch, String previousOwner, Instant leaseExpiredAt) {
                if (tmName.equals(deadTm)) {
                    audited.add(new Report("started", tmName, "epoch " + epoch + " from " + previousOwner));
                }
                return "id";
            }

            @Override
            public void finished(String id, Takeover.Report report) {
                if (report.tmName().equals(deadTm)) {
                    audited.add(new Report("finished", report.tmName(), report.summary()));
                }
            }
        };
        return new Takeover(new PostgresLogTakeover(DB, survivorTm, "survivor-" + run), work -> work.accept(atomikos.participants()),
                atomikos, new HeuristicRegistry(), audit, new Takeover.Settings(Duration.ofSeconds(1), Set.of()), Clock.systemUTC());
    }

    /** A branch of {@code tm} prepared on PostgreSQL that inserts a row named {@code label}, as Atomikos names branches. */
    private Xid prepare(String tm, int branch, String label) throws Exception {
        String gtrid = tm + System.currentTimeMillis() + String.format("%05d", branch);
        Xid xid = PlainXid.of(0x41544F4D, gtrid, tm + branch);
        XAConnection connection = dataSource().getXAConnection();
        try {
            XAResource xa = connection.getXAResource();
            xa.start(xid, XAResource.TMNOFLAGS);
            try (Connection c = connection.getConnection()) {
                execute(c, "CREATE TABLE IF NOT EXISTS takeover_it (label text PRIMARY KEY)");
                execute(c, "INSERT INTO takeover_it VALUES (?)", label + "-" + run);
            }
            xa.end(xid, XAResource.TMSUCCESS);
            xa.prepare(xid);
        } finally {
            connection.close();
        }
        prepared.add(xid);
        return xid;
    }

    /** The log of a process that died: its lease ran out at the last epoch, maybe with a commit decision. */
    private void deadOwner(String tm, long epoch, String committing) throws SQLException {
        try (Connection c = connect()) {
            execute(c, "INSERT INTO twophase_log_owner (tm_name, epoch, owner, lease_until) VALUES (?, " + epoch
                    + ", 'the dead process', now() - interval '5 seconds')", tm);
            if (committing != null) {
                execute(c, "INSERT INTO twophase_log_record (tm_name, coordinator_id, state, expires, recovery_domain)"
                        + " VALUES (?, ?, 'COMMITTING', 0, ?)", tm, committing, tm);
            }
        }
    }

    private void deadOwnerLive(String tm) throws SQLException {
        try (Connection c = connect()) {
            execute(c, "INSERT INTO twophase_log_owner (tm_name, epoch, owner, lease_until) VALUES (?, 1, 'alive',"
                    + " now() + interval '1 minute')", tm);
        }
    }

    private String owner(String tm) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT epoch, settled_at IS NOT NULL, lease_until <= now() FROM twophase_log_owner WHERE tm_name = ?")) {
            ps.setString(1, tm);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("owner row of %s", tm).isTrue();
                return "epoch=" + rs.getLong(1) + " settled=" + rs.getBoolean(2) + " expired=" + rs.getBoolean(3);
            }
        }
    }

    private int logRows(String tm) throws SQLException {
        return count("SELECT count(*) FROM twophase_log_record WHERE tm_name = ?", tm);
    }

    private boolean committedRow(String label) throws SQLException {
        return count("SELECT count(*) FROM takeover_it WHERE label = ?", label + "-" + run) == 1;
    }

    private List<String> preparedGids() throws SQLException {
        List<String> gids = new ArrayList<>();
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("SELECT gid FROM pg_prepared_xacts")) {
            while (rs.next()) {
                gids.add(rs.getString(1));
            }
        }
        return gids;
    }

    /** pgjdbc's gid for an Xid: formatId_base64(gtrid)_base64(bqual). */
    private static String gid(Xid xid) {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        return xid.getFormatId() + "_" + b64.encodeToString(xid.getGlobalTransactionId()) + "_"
                + b64.encodeToString(xid.getBranchQualifier());
    }

    private int count(String sql, String arg) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static PGXADataSource dataSource() {
        PGXADataSource ds = new PGXADataSource();
        ds.setUrl(URL);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }

    private static void execute(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
