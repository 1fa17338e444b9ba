package dev.twophase.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.twophase.testing.ArtemisBrokerProcess;

/**
 * Takeover with three application instances (separate JVMs, distinct TM names, the coordinator log
 * in PostgreSQL with a 3 s lease, takeover on) under concurrent transfers, on the local PostgreSQL,
 * MariaDB and an Artemis broker process:
 * <ol>
 * <li>instance A halts at BEFORE_COMMIT of bank B and is not restarted: a survivor takes its TM name
 * over and commits its branches everywhere;</li>
 * <li>instance B halts at AFTER_PREPARE of bank B and is not restarted: the last survivor rolls its
 * branches back;</li>
 * <li>A is restarted after its takeover: it takes its TM name back with a later epoch and carries on,
 * consistently;</li>
 * <li>instance C is paused (SIGSTOP) past its lease, A takes it over, C is resumed (SIGCONT): C is
 * fenced, refuses transactions and writes nothing.</li>
 * </ol>
 * Each takeover must leave nothing prepared for the dead TM name, the crashed transaction with one
 * outcome on every participant and every invariant passing, within 30 s of the crash (lease expiry
 * plus recovery). Its rows are printed in the matrix's format as {@code [twophase takeover matrix]} and
 * written to {@code target/fault-runs/takeover-matrix.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TakeoverIT {

    static final long PID = ProcessHandle.current().pid();
    static final double BOUND_SECONDS = 30.0;
    static final String LOG_DB = System.getProperty("twophase.faults.log-db-url", "jdbc:postgresql://127.0.0.1:5432/twophase_fi_log");
    static final String LOG_USER = "twophase";
    static final String LOG_PASSWORD = "twophase";
    static final Matrix matrix = new Matrix();

    static Path workDir;
    static ArtemisBrokerProcess broker;
    static DemoApp.Config configA;
    static DemoApp.Config configB;
    static DemoApp.Config configC;
    static DemoApp a;
    static DemoApp b;
    static DemoApp c;

    @BeforeAll
    static void startThreeInstances() throws Exception {
        workDir = Path.of(System.getProperty("twophase.faults.work-dir", "target/fault-runs")).toAbsolutePath()
                .resolve("takeover-" + PID);
        FaultInjectionIT.bankA.reset();
        FaultInjectionIT.bankB.reset();
        clearLogDatabase();
        broker = ArtemisBrokerProcess.start(workDir.resolve("broker"));
        configA = config("a");
        configB = config("b");
        configC = config("c");
        // Launched together: each start costs more than its share of two cores, so overlap them.
        DemoApp[] started = { configA.launch(), configB.launch(), configC.launch() };
        a = started[0];
        b = started[1];
        c = started[2];
        long t0 = System.nanoTime();
        for (DemoApp app : started) {
            app.awaitHttp();
            app.awaitRecovered(t0, Duration.ofSeconds(120));
        }
        System.out.printf("[takeover] three instances up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            String table = matrix.render();
            System.out.println("\n[twophase takeover matrix]\n" + table);
            if (workDir != null) {
                matrix.writeTo(workDir.getParent().resolve("takeover-matrix.txt"));
            }
        } finally {
            for (DemoApp app : new DemoApp[] { a, b, c }) {
                if (app != null) {
                    app.resume();
                    app.stop();
                }
            }
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    @Order(1)
    void anInstanceKilledAtBeforeCommitIsFinishedByASurvivor() throws Exception {
        crashAndTakeOver("takeover: A halts BEFORE_COMMIT of bank-b, never restarted", a, configA, "BEFORE_COMMIT",
                Outcome.COMMITTED, List.of(b, c));
    }

    @Test
    @Order(2)
    void anInstanceKilledAtAfterPrepareIsFinishedByTheLastSurvivor() throws Exception {
        crashAndTakeOver("takeover: B halts AFTER_PREPARE of bank-b, never restarted", b, configB, "AFTER_PREPARE",
                Outcome.ROLLED_BACK, List.of(c));
    }

    @Test
    @Order(3)
    void theOriginalRestartedAfterItsTakeoverTakesItsNameBackAndStaysConsistent() throws Exception {
        String name = "takeover: A restarted after its takeover";
        long before = epoch(configA.tmName());
        long t0 = System.nanoTime();
        a = configA.start();
        double seconds = a.awaitRecovered(t0, Duration.ofSeconds(120));
        long after = epoch(configA.tmName());
        List<Load.Result> results;
        try (Load load = Load.start(a, List.of(Flow.TRANSFER, Flow.LIKE, Flow.ORDER), 2, "tk" + PID + "back")) {
            Thread.sleep(3000);
            results = load.stop();
        }
        long ok = results.stream().filter(r -> r.status() / 100 == 2).count();
        List<String> left = awaitNothingInDoubt(List.of(configA.tmName(), configC.tmName()));
        JsonNode report = FaultInjectionIT.awaitConsistent(a);
        boolean consistent = report.path("consistent").asBoolean(false);
        boolean passed = after > before && ok > 0 && left.isEmpty() && consistent;
        matrix.add(new Matrix.Row(name, "epoch up, serves, consistent", "epoch " + before + " -> " + after + ", " + ok + " of "
                + results.size() + " requests succeeded" + (consistent ? ", consistent" : ", INCONSISTENT"), seconds, passed,
                left.isEmpty() ? "" : "in doubt: " + left));
        assertThat(after).as("A's epoch after its restart").isGreaterThan(before);
        assertThat(ok).as("requests A served after its restart: %s", results).isPositive();
        assertThat(left).isEmpty();
        assertThat(consistent).as("consistency %s", report).isTrue();
    }

    @Test
    @Order(4)
    void aPausedInstanceIsTakenOverAndFencedWhenItResumes() throws Exception {
        String name = "takeover: C paused (SIGSTOP) past its lease, then resumed";
        String tmC = configC.tmName();
        long before = epoch(tmC);
        long t0 = System.nanoTime();
        c.pause();
        long taken;
        try {
            // A takes C over once C's lease has run out and settles it (C was idle).
            taken = awaitEpochAbove(tmC, before, Duration.ofSeconds(30));
        } finally {
            c.resume();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int rowsBefore = logRows(tmC);
        long heldBy = epoch(tmC);
        // Resumed: its renewal finds its epoch gone. It must refuse work and write nothing.
        HttpResponse<String> answer = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Flow.Request r = Flow.TRANSFER.next("tk" + PID + "fenced", System.nanoTime());
            answer = c.post(r.path(), r.body());
            if (answer.statusCode() == 503) {
                break;
            }
            Thread.sleep(200);
        }
        Thread.sleep(2000);
        boolean fencedLogged = c.logText().contains("FENCED");
        int rowsAfter = logRows(tmC);
        long epochAfter = epoch(tmC);
        JsonNode report = FaultInjectionIT.awaitConsistent(a);
        boolean consistent = report.path("consistent").asBoolean(false);
        List<String> left = awaitNothingInDoubt(List.of(tmC));
        boolean refused = answer != null && answer.statusCode() == 503 && !answer.body().contains("Exception");
        boolean passed = taken > before && refused && fencedLogged && rowsAfter == 0 && rowsBefore == 0 && epochAfter == heldBy
                && consistent && left.isEmpty();
        matrix.add(new Matrix.Row(name, "taken over; fenced, refuses, writes nothing",
                "epoch " + before + " -> " + taken + ", answer " + (answer == null ? "none" : answer.statusCode())
                        + (fencedLogged ? ", FENCED logged" : ", no FENCED line") + ", log rows " + rowsAfter,
                seconds, passed, consistent ? "" : "INCONSISTENT"));
        assertThat(taken).as("C's epoch after the pause").isGreaterThan(before);
        assertThat(answer).as("C's answer to a transfer after it resumed").isNotNull();
        assertThat(answer.statusCode()).as("C's answer: %s", answer.body()).isEqualTo(503);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("dev.twophase");
        assertThat(fencedLogged).as("C logs that it was fenced").isTrue();
        assertThat(rowsAfter).as("log records C wrote after it resumed").isZero();
        assertThat(epochAfter).as("C's TM name is not taken back by C").isEqualTo(heldBy);
        assertThat(consistent).as("consistency %s", report).isTrue();
        assertThat(left).isEmpty();
    }

    /**
     * Halts {@code victim} at {@code point} of bank B under transfers on every live instance, then
     * waits until a survivor has finished the victim's branches and checks the crashed transaction,
     * the participants and the invariants.
     */
    void crashAndTakeOver(String name, DemoApp victim, DemoApp.Config victimConfig, String point, Outcome expected,
            List<DemoApp> survivors) throws Exception {
        victim.arm("bank-b:" + point + ":HALT:skip=3" + FaultInjectionIT.FLOW_TRANSACTIONS);
        List<Load> loads = new ArrayList<>();
        loads.add(Load.start(victim, List.of(Flow.TRANSFER), 3, "tk" + PID + victimConfig.tmName()));
        for (DemoApp survivor : survivors) {
            loads.add(Load.start(survivor, List.of(Flow.TRANSFER), 2, "tk" + PID + "s" + survivors.indexOf(survivor) + point));
        }
        boolean halted = victim.awaitExit(Duration.ofSeconds(60));
        long haltedAt = System.nanoTime();
        // The survivors' load goes on while the takeover runs, for a moment.
        Thread.sleep(1000);
        List<Load.Result> results = new ArrayList<>();
        for (Load load : loads) {
            results.addAll(load.stop());
        }
        assertThat(halted).as("%s: the victim halted", name).isTrue();
        FaultInjectionIT.Crash crash = FaultInjectionIT.Crash.find(victim.logText());
        // Until the victim's branches are gone everywhere: lease expiry, then a survivor's takeover.
        List<String> left = awaitNothingInDoubt(List.of(victimConfig.tmName()), Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - haltedAt) / 1e9;
        String takenBy = survivors.stream().filter(s -> s.logText().contains("TAKEOVER of " + victimConfig.tmName() + "."))
                .map(s -> s.baseUrl()).findFirst().orElse(null);
        Outcome observed = crash.event() == null ? Outcome.MIXED : FaultInjectionIT.settle(Flow.TRANSFER, crash.event()).outcome();
        List<String> allLeft = new ArrayList<>(left);
        for (DemoApp survivor : survivors) {
            allLeft.addAll(awaitNothingInDoubt(List.of(tmOf(survivor))));
        }
        JsonNode report = FaultInjectionIT.awaitConsistent(survivors.get(0));
        boolean consistent = report.path("consistent").asBoolean(false);
        boolean inTime = seconds <= BOUND_SECONDS;
        boolean passed = observed == expected && allLeft.isEmpty() && consistent && inTime && takenBy != null;
        matrix.add(new Matrix.Row(name, expected.label(), observed.label() + (takenBy == null ? ", no TAKEOVER line" : ""),
                seconds, passed, (inTime ? "" : String.format("OVER ITS %.0f s BOUND ", BOUND_SECONDS))
                        + (consistent ? "" : "INCONSISTENT ") + (allLeft.isEmpty() ? "" : "in doubt: " + allLeft + " ")
                        + "(" + results.size() + " requests)"));
        assertThat(takenBy).as("a survivor logged the takeover of %s", victimConfig.tmName()).isNotNull();
        assertThat(observed).as("%s: crashed transaction %s", name, crash.gtrid()).isEqualTo(expected);
        assertThat(allLeft).as("%s: branches left prepared", name).isEmpty();
        assertThat(consistent).as("%s: consistency report %s", name, report).isTrue();
        assertThat(seconds).as("%s: seconds from the crash until its branches were finished", name).isLessThanOrEqualTo(BOUND_SECONDS);
        JsonNode takeovers = DemoApp.JSON.readTree(survivors.stream().filter(s -> s.baseUrl().equals(takenBy)).findFirst()
                .orElseThrow().get("/actuator/health/takeover").body());
        assertThat(takeovers.path("details").path("recent").toString()).contains(victimConfig.tmName() + ".").contains("settled");
    }

    // ---------------------------------------------------------------------------------------------

    static DemoApp.Config config(String instance) {
        String tm = "tk" + PID + "-" + instance;
        return DemoApp.Config.of(tm, workDir.resolve("app-" + instance), broker.url())
                .with("twophase.coordinator.log-store", "postgresql")
                .with("twophase.coordinator.log-database.url", LOG_DB)
                .with("twophase.coordinator.log-database.username", LOG_USER)
                .with("twophase.coordinator.log-database.password", LOG_PASSWORD)
                .with("twophase.coordinator.log-database.lease", "3s")
                .with("twophase.coordinator.takeover.enabled", "true")
                .with("twophase.coordinator.takeover.interval", "1s");
    }

    static String tmOf(DemoApp app) {
        return app == a ? configA.tmName() : app == b ? configB.tmName() : configC.tmName();
    }

    static List<String> awaitNothingInDoubt(List<String> tmNames) throws Exception {
        return awaitNothingInDoubt(tmNames, Duration.ofSeconds(30));
    }

    static List<String> awaitNothingInDoubt(List<String> tmNames, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> left;
        do {
            left = new ArrayList<>();
            for (String tm : tmNames) {
                left.addAll(InDoubt.of(tm, FaultInjectionIT.bankA, FaultInjectionIT.bankB, broker.url()));
            }
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return left;
    }

    static long awaitEpochAbove(String tm, long epoch, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long now;
        do {
            now = epoch(tm);
            if (now > epoch) {
                return now;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return now;
    }

    /** The epoch of a TM name's log owner row (its Atomikos name ends with a dot). */
    static long epoch(String tm) throws SQLException {
        try (Connection c = DriverManager.getConnection(LOG_DB, LOG_USER, LOG_PASSWORD);
                PreparedStatement ps = c.prepareStatement("SELECT epoch FROM twophase_log_owner WHERE tm_name = ?")) {
            ps.setString(1, tm + ".");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static int logRows(String tm) throws SQLException {
        try (Connection c = DriverManager.getConnection(LOG_DB, LOG_USER, LOG_PASSWORD);
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM twophase_log_record WHERE tm_name = ?")) {
            ps.setString(1, tm + ".");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Earlier runs' TM names would be taken over too: start from an empty log database. */
    static void clearLogDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(LOG_DB, LOG_USER, LOG_PASSWORD)) {
            try (ResultSet rs = c.getMetaData().getTables(null, null, "twophase_log_owner", null)) {
                if (!rs.next()) {
                    return;
                }
            }
            c.createStatement().execute("DELETE FROM twophase_log_record");
            c.createStatement().execute("DELETE FROM twophase_log_owner");
        }
    }
}
