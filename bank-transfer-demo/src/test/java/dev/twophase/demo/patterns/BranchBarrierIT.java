package dev.twophase.demo.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.twophase.demo.patterns.BranchBarrier.Op;
import dev.twophase.demo.patterns.BranchBarrier.Outcome;
import dev.twophase.demo.patterns.PatternDatabases.Database;

/**
 * The branch barrier on the real PostgreSQL and MariaDB, and on H2 (the embedded default), with the
 * schema the demo's own migrations create: a step runs once however often it is called, a
 * compensation of a step that never ran does nothing and blocks the late step, and a barrier row
 * rolls back with its step.
 */
class BranchBarrierIT {

    private final String gid = "saga-" + UUID.randomUUID();

    static Stream<Database> databases() {
        return PatternDatabases.ALL.stream();
    }

    @BeforeAll
    static void schema() throws SQLException {
        PatternDatabases.migrate("CREATE TABLE barrier_effect (gid VARCHAR(128), op VARCHAR(16))");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aStepRunsOnceHoweverOftenItIsCalled(Database db) throws Exception {
        assertThat(step(db, Op.ACTION)).isEqualTo(Outcome.RAN);
        assertThat(step(db, Op.ACTION)).isEqualTo(Outcome.DUPLICATE);
        assertThat(step(db, Op.COMPENSATE)).isEqualTo(Outcome.RAN);
        assertThat(step(db, Op.COMPENSATE)).isEqualTo(Outcome.DUPLICATE);
        assertThat(effects(db)).isEqualTo(Map.of("action", 1, "compensate", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCompensationOfAStepThatNeverRanDoesNothingAndBlocksTheLateStep(Database db) throws Exception {
        assertThat(step(db, Op.COMPENSATE)).isEqualTo(Outcome.NULL_COMPENSATION);
        assertThat(step(db, Op.ACTION)).isEqualTo(Outcome.HANGING);
        assertThat(effects(db)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLateTryAfterItsCancelIsRefusedAndAConfirmRunsOnce(Database db) throws Exception {
        assertThat(step(db, Op.CANCEL)).isEqualTo(Outcome.NULL_COMPENSATION);
        assertThat(step(db, Op.TRY)).isEqualTo(Outcome.HANGING);
        String other = gid + "-2";
        assertThat(step(db, other, Op.TRY)).isEqualTo(Outcome.RAN);
        assertThat(step(db, other, Op.CONFIRM)).isEqualTo(Outcome.RAN);
        assertThat(step(db, other, Op.CONFIRM)).isEqualTo(Outcome.DUPLICATE);
        assertThat(effects(db)).isEmpty();
        assertThat(effects(db, other)).isEqualTo(Map.of("try", 1, "confirm", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theBarrierRowRollsBackWithItsStepSoTheRetryRuns(Database db) throws Exception {
        try (Connection c = db.connect()) {
            BranchBarrier.Result<Void> first = BranchBarrier.forDatabase(c).call(c, gid, "debit-A", Op.ACTION, () -> effect(c, gid, Op.ACTION));
            assertThat(first.outcome()).isEqualTo(Outcome.RAN);
            c.rollback(); // the step's local transaction failed, e.g. the connection broke before its commit
        }
        assertThat(step(db, Op.ACTION)).isEqualTo(Outcome.RAN);
        assertThat(effects(db)).isEqualTo(Map.of("action", 1));
    }

    // ---------------------------------------------------------------------------------------------

    private Outcome step(Database db, Op op) throws SQLException {
        return step(db, gid, op);
    }

    /** One step in its own local transaction: the barrier and the business change commit together. */
    private static Outcome step(Database db, String gid, Op op) throws SQLException {
        try (Connection c = db.connect()) {
            BranchBarrier.Result<Void> result = BranchBarrier.forDatabase(c).call(c, gid, "debit-A", op, () -> effect(c, gid, op));
            c.commit();
            return result.outcome();
        }
    }

    private static Void effect(Connection c, String gid, Op op) {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO barrier_effect (gid, op) VALUES (?, ?)")) {
            insert.setString(1, gid);
            insert.setString(2, op.name().toLowerCase(java.util.Locale.ROOT));
            insert.executeUpdate();
            return null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Integer> effects(Database db) throws SQLException {
        return effects(db, gid);
    }

    private static Map<String, Integer> effects(Database db, String gid) throws SQLException {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        try (Connection c = db.connect();
                PreparedStatement select = c.prepareStatement("SELECT op, count(*) FROM barrier_effect WHERE gid = ? GROUP BY op")) {
            select.setString(1, gid);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }
}
