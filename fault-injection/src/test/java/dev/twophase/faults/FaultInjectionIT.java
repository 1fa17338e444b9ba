package dev.twophase.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.twophase.testing.ArtemisBrokerProcess;
import dev.twophase.testing.DatabaseProbe;

/**
 * The fault-injection suite: the demo application runs as a child JVM in the {@code real} profile
 * against the local PostgreSQL, the local MariaDB and an Artemis broker process; the suite crashes
 * it, or a participant, in the middle of transactions while concurrent requests run, restarts what
 * it crashed, waits until the coordinator reports recovery complete, and checks the outcome on the
 * participants themselves:
 * <ul>
 * <li>the crashed transaction (found by the global id the HALT names) rolled back on every
 * participant when the crash came before the commit decision, committed on every one after it;</li>
 * <li>every invariant of the consistency checker (money, likes, stock, exactly one consumed event
 * per committed business transaction);</li>
 * <li>no prepared branch left on any participant.</li>
 * </ul>
 * Scenarios run in one chain: the restart after one crash is the application the next scenario
 * arms. A matrix of scenario, expected and observed outcome and seconds to recover is printed at
 * the end and written to {@code target/fault-runs/matrix.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {

    static final long PID = ProcessHandle.current().pid();
    static final String TM = "fi-" + PID;
    static final List<String> PARTICIPANTS = List.of("bank-a", "bank-b", "broker");
    /** Only transactions with a branch on every participant: not the inbox consumer's (broker + bank A). */
    static final String FLOW_TRANSACTIONS = ":spans=bank-a+bank-b+broker";
    static final int CLIENTS = 4;
    static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(120);
    /**
     * A resource-fault scenario fails when recovery takes longer than this, counted from the moment
     * the participant accepts connections again until recovery is complete and every check passes.
     */
    static final double RESOURCE_FAULT_BOUND_SECONDS = 10.0;
    static final Pattern HALT_LINE = Pattern.compile("TWOPHASE FAULT HALT at \\w+ of [\\w-]+ xid=([^/\\s]+)/");

    static final DatabaseProbe bankA = DatabaseProbe.postgres();
    static final DatabaseProbe bankB = DatabaseProbe.mysql();
    static final Matrix matrix = new Matrix();
    static final AtomicInteger runs = new AtomicInteger();

    static Path workDir;
    static ArtemisBrokerProcess broker;
    static DemoApp.Config config;
    static DemoApp app;

    @BeforeAll
    static void startTheChain() throws Exception {
        workDir = Path.of(System.getProperty("twophase.faults.work-dir", "target/fault-runs")).toAbsolutePath().resolve("run-" + PID);
        matrix.journalTo(workDir.getParent().resolve("matrix-progress.tsv"));
        bankA.reset();
        bankB.reset();
        broker = ArtemisBrokerProcess.start(workDir.resolve("broker"));
        config = DemoApp.Config.of(TM, workDir.resolve("app"), broker.url());
        long t0 = System.nanoTime();
        app = config.start();
        double seconds = app.awaitRecovered(t0, RECOVERY_TIMEOUT);
        System.out.printf("[fault-injection] application up and recovered in %.1f s (tm %s, log %s)%n", seconds, TM, app.logFile());
    }

    @AfterAll
    static void printTheMatrix() throws Exception {
        try {
            String table = matrix.render();
            System.out.println("\n[twophase fault-injection matrix]\n" + table);
            if (workDir != null) {
                matrix.writeTo(workDir.getParent().resolve("matrix.txt"));
            }
        } finally {
            try {
                if (app != null) {
                    app.stop();
                }
            } finally {
                if (broker != null) {
                    broker.close();
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Crash the application at each crash point of each participant, for each flow.

    @TestFactory
    @Order(1)
    Stream<DynamicTest> crashAtEveryPointOfEveryParticipantInEveryFlow() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Flow flow : Flow.XA_FLOWS) {
            for (String point : List.of("BEFORE_PREPARE", "AFTER_PREPARE", "BEFORE_COMMIT", "AFTER_COMMIT")) {
                for (String participant : PARTICIPANTS) {
                    Outcome expected = expected(participant, point, lastResourceBankA());
                    String name = flow.name().toLowerCase() + ": halt " + point + " of " + participant;
                    if (!selected(name)) {
                        continue;
                    }
                    tests.add(dynamicTest(name, () -> crashScenario(name, List.of(flow),
                            List.of(participant + ":" + point + ":HALT:skip=3" + FLOW_TRANSACTIONS), expected)));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> crashWhileRollingBack() {
        // bank B votes no; the coordinator rolls back the others and dies on the way.
        return Stream.of("bank-a", "broker").filter(p -> selected("transfer: bank-b votes no, halt BEFORE_ROLLBACK of " + p)).map(participant -> {
            String name = "transfer: bank-b votes no, halt BEFORE_ROLLBACK of " + participant;
            return dynamicTest(name, () -> crashScenario(name, List.of(Flow.TRANSFER),
                    List.of("bank-b:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)" + FLOW_TRANSACTIONS,
                            participant + ":BEFORE_ROLLBACK:HALT" + FLOW_TRANSACTIONS),
                    Outcome.ROLLED_BACK));
        });
    }

    @Test
    @Order(3)
    void crashDuringRecovery() throws Exception {
        String name = "transfer: halt BEFORE_COMMIT of bank-b, then halt DURING_RECOVER of bank-a";
        assumeSelected(name);
        // The first restart dies in its recovery scan; the second one finishes the job.
        crashScenario(name, List.of(Flow.TRANSFER), List.of("bank-b:BEFORE_COMMIT:HALT" + FLOW_TRANSACTIONS), Outcome.COMMITTED,
                "bank-a:DURING_RECOVER:HALT");
    }

    /**
     * The same matrix for the alternatives to XA: each Saga, TCC and outbox step is crashed (before or
     * after its local commit, during a compensation, in the relay between its sends and its commit);
     * after the restart the recovery timer, the relays and the consumers must bring the crashed transfer
     * to its expected outcome with every invariant passing, including no transfer left unfinished and
     * no money left frozen.
     */
    @TestFactory
    @Order(5)
    Stream<DynamicTest> crashEachPatternAtEachStep() {
        return PatternCrash.SCENARIOS.stream().filter(s -> selected(s.name()))
                .map(s -> dynamicTest(s.name(), () -> patternCrashScenario(s)));
    }

    void patternCrashScenario(PatternCrash.Scenario scenario) throws Exception {
        String runId = "fi" + PID + "r" + runs.incrementAndGet();
        app.disarm();
        app.arm("pattern:" + scenario.point() + ":HALT");
        Load load = Load.start(app, List.of(scenario.flow()), CLIENTS, runId);
        boolean halted = app.awaitExit(Duration.ofSeconds(60));
        List<Load.Result> results = load.stop();
        if (!halted) {
            app.disarm();
            record(scenario.name(), scenario.expected(), "no crash", Double.NaN, false, results.size() + " requests, the fault never fired");
            throw new AssertionError(scenario.name() + ": the application did not halt; " + results.size() + " requests sent");
        }
        PatternCrash crash = PatternCrash.find(app.logText());
        long restartedAt = System.nanoTime();
        app = config.start();
        app.awaitRecovered(restartedAt, RECOVERY_TIMEOUT);
        JsonNode report = awaitConsistent();
        boolean consistent = report.path("consistent").asBoolean(false);
        Outcome observed = crash.outcome(bankA, bankB);
        double seconds = (System.nanoTime() - restartedAt) / 1e9;
        boolean passed = observed == scenario.expected() && consistent;
        record(scenario.name(), scenario.expected(), observed, seconds, passed, (consistent ? "" : "INCONSISTENT ")
                + crash.describe(bankA, bankB) + " (" + results.size() + " requests, "
                + results.stream().filter(r -> r.status() == -1).count() + " unanswered)");
        assertThat(observed).as("%s: crashed transfer %s (%s)", scenario.name(), crash.gid(), crash.describe(bankA, bankB))
                .isEqualTo(scenario.expected());
        assertThat(consistent).as("%s: consistency report %s", scenario.name(), report).isTrue();
    }

    /**
     * Arms the rules, runs concurrent requests until the application halts, restarts it (first
     * with {@code restartRules} armed at startup, if any, which must halt it again), waits for
     * recovery and checks the crashed transaction, the invariants and the participants.
     */
    void crashScenario(String name, List<Flow> flows, List<String> rules, Outcome expected, String... restartRules) throws Exception {
        String runId = "fi" + PID + "r" + runs.incrementAndGet();
        for (String rule : rules) {
            app.arm(rule);
        }
        Load load = Load.start(app, flows, CLIENTS, runId);
        boolean halted = app.awaitExit(Duration.ofSeconds(60));
        List<Load.Result> results = load.stop();
        if (!halted) {
            app.disarm();
            record(name, expected, "no crash", Double.NaN, false, results.size() + " requests, the fault never fired");
            throw new AssertionError(name + ": the application did not halt; " + results.size() + " requests sent");
        }
        String crashedLog = app.logText();
        Crash crash = Crash.find(crashedLog);
        long restartedAt = System.nanoTime();
        for (String restartRule : restartRules) {
            try (DemoApp again = config.with("twophase.faults.arm", restartRule).launch()) {
                assertThat(again.awaitExit(Duration.ofSeconds(90))).as("the restart armed with %s halted", restartRule).isTrue();
                assertThat(again.logText()).contains("TWOPHASE FAULT HALT at DURING_RECOVER");
            }
        }
        app = config.start();
        app.awaitRecovered(restartedAt, RECOVERY_TIMEOUT);
        settleAndCheck(name, crash, expected, restartedAt, Double.NaN, results);
    }

    /**
     * Checks the crashed transaction's outcome, the invariants and that nothing is left prepared,
     * and adds the matrix row; its seconds to recover run from {@code since} (System.nanoTime: the
     * restart, or the participant's return after a resource fault) until all of that holds, and
     * must not exceed {@code boundSeconds} (NaN: no bound).
     */
    void settleAndCheck(String name, Crash crash, Outcome expected, long since, double boundSeconds, List<Load.Result> results)
            throws Exception {
        // First let recovery finish and the events drain: a branch still prepared reads as absent.
        List<String> inDoubt = awaitNothingInDoubt();
        JsonNode report = awaitConsistent();
        boolean consistent = report.path("consistent").asBoolean(false);
        Outcome observed;
        String detail;
        if (crash.event() == null) {
            observed = Outcome.MIXED;
            detail = "no event published in transaction " + crash.gtrid();
        } else {
            Flow.Presence presence = settle(crash.flow(), crash.event());
            observed = presence.outcome();
            detail = presence.toString();
        }
        double seconds = (System.nanoTime() - since) / 1e9;
        boolean inTime = Double.isNaN(boundSeconds) || seconds <= boundSeconds;
        boolean passed = observed == expected && inDoubt.isEmpty() && consistent && inTime;
        String note = (inTime ? "" : String.format("OVER ITS %.0f s BOUND ", boundSeconds))
                + (consistent ? "" : "INCONSISTENT ") + (inDoubt.isEmpty() ? "" : "in doubt: " + inDoubt + " ")
                + "(" + results.size() + " requests, " + results.stream().filter(r -> r.status() == -1).count() + " unanswered)";
        record(name, expected, observed, seconds, passed, note);
        assertThat(observed).as("%s: crashed transaction %s (%s)", name, crash.gtrid(), detail).isEqualTo(expected);
        assertThat(inDoubt).as("%s: branches left prepared", name).isEmpty();
        assertThat(consistent).as("%s: consistency report %s", name, report).isTrue();
        assertThat(inTime).as("%s: recovered in %.1f s, bound %.0f s", name, seconds, boundSeconds).isTrue();
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Resource faults between prepare and commit; the application stays up.

    @Test
    @Order(10)
    void postgresRestartedBetweenPrepareAndCommit() throws Exception {
        assumeTrue(LocalServices.canRestartPostgres(), "PostgreSQL is not a local service here");
        // With bank A as the last resource its branch is not prepared: the restart loses it before its one-phase
        // commit, which was to be the decision, so the transaction rolls back everywhere.
        resourceFault("transfer: PostgreSQL restarted between prepare and commit", Flow.TRANSFER,
                "bank-a:BEFORE_COMMIT:DELAY(3s)", LocalServices::restartPostgres,
                lastResourceBankA() ? Outcome.ROLLED_BACK : Outcome.COMMITTED);
    }

    @Test
    @Order(11)
    void mariaDbRestartedBetweenPrepareAndCommit() throws Exception {
        assumeTrue(LocalServices.canRestartMariaDb(), "MariaDB is not a local service here");
        resourceFault("like: MariaDB restarted between prepare and commit", Flow.LIKE,
                "bank-b:BEFORE_COMMIT:DELAY(3s)", LocalServices::restartMariaDb);
    }

    @Test
    @Order(12)
    void brokerKilledAndRestartedBetweenPrepareAndCommit() throws Exception {
        resourceFault("order: broker SIGKILLed and restarted between prepare and commit", Flow.ORDER,
                "broker:BEFORE_COMMIT:DELAY(3s)", () -> {
                    broker.kill();
                    broker.restart();
                });
    }

    @Test
    @Order(13)
    void connectionsCutDuringCommit() throws Exception {
        // Bank B through a proxy in this JVM; its connections are cut while a commit is held up.
        assumeSelected("transfer: bank B connections cut during commit");
        DemoApp.Config direct = config;
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 3306)) {
            restartWith(direct.withBankB(direct.bankBUrl().replace(":3306/", ":" + proxy.port() + "/")));
            try {
                resourceFault("transfer: bank B connections cut during commit", Flow.TRANSFER,
                        "bank-b:BEFORE_COMMIT:DELAY(2s)", () -> assertThat(proxy.cutAll()).isPositive());
            } finally {
                restartWith(direct);
            }
        }
    }

    @Test
    @Order(14)
    void aPrepareThatVotesNoRollsBackEveryParticipant() throws Exception {
        String name = "order: bank-b votes no (XA_RBROLLBACK) at prepare";
        assumeSelected(name);
        app.disarm(); // also forgets what fired before
        app.arm("bank-b:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)" + FLOW_TRANSACTIONS);
        long t0 = System.nanoTime();
        HttpResponse<String> answer = sendOne(Flow.ORDER, "fi" + PID + "vote-no");
        String gtrid = awaitFiredGtrid();
        Crash crash = new Crash(gtrid, Flow.ORDER, Event.publishedIn(app.logText(), gtrid));
        assertThat(answer.statusCode()).as("answer to the order whose prepare voted no: %s", answer.body()).isEqualTo(503);
        settleAndCheck(name, crash, Outcome.ROLLED_BACK, t0, Double.NaN, List.of());
    }

    /**
     * Holds up one flow transaction after the commit decision with {@code delayRule}, injects the
     * resource fault while it waits, and checks that the transaction still commits everywhere,
     * without a restart of the application, within {@link #RESOURCE_FAULT_BOUND_SECONDS} of the
     * participant's return ({@code fault} returns once the participant accepts connections again).
     */
    void resourceFault(String name, Flow flow, String delayRule, ThrowingRunnable fault) throws Exception {
        resourceFault(name, flow, delayRule, fault, Outcome.COMMITTED);
    }

    void resourceFault(String name, Flow flow, String delayRule, ThrowingRunnable fault, Outcome expected) throws Exception {
        assumeSelected(name);
        String runId = "fi" + PID + "r" + runs.incrementAndGet();
        app.disarm(); // also forgets what fired before
        app.arm(delayRule + FLOW_TRANSACTIONS);
        Load load = Load.start(app, List.of(flow), CLIENTS, runId);
        String gtrid;
        long backAt;
        List<Load.Result> results;
        try {
            gtrid = awaitFiredGtrid();
            fault.run();
            backAt = System.nanoTime();
            Thread.sleep(1000);
        } finally {
            results = load.stop();
        }
        Crash crash = new Crash(gtrid, flow, Event.publishedIn(app.logText(), gtrid));
        assertThat(app.isAlive()).as("the application survives a resource fault").isTrue();
        app.awaitRecovered(backAt, RECOVERY_TIMEOUT);
        settleAndCheck(name, crash, expected, backAt, RESOURCE_FAULT_BOUND_SECONDS, results);
    }

    /** Stops the running application (gracefully) and starts it again with another config. */
    static void restartWith(DemoApp.Config next) throws Exception {
        app.stop();
        config = next;
        long t0 = System.nanoTime();
        app = config.start();
        app.awaitRecovered(t0, RECOVERY_TIMEOUT);
    }

    /** The global id of the transaction the first fired fault acted on, from GET /admin/faults. */
    static String awaitFiredGtrid() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode faults = DemoApp.JSON.readTree(app.get("/admin/faults").body());
            JsonNode fired = faults.path("fired");
            if (fired.size() > 0) {
                return fired.get(0).path("gtrid").asText();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no fault fired within 60 s");
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ---------------------------------------------------------------------------------------------
    // 3. A heuristic outcome: a prepared branch rolled back behind the coordinator's back.

    @Test
    @Order(20)
    void aBranchRolledBackBehindTheCoordinatorsBackIsReportedAsHeuristic() throws Exception {
        String name = "transfer: bank-a branch rolled back by hand after the commit decision";
        assumeSelected(name);
        assumeTrue(!lastResourceBankA(), "bank A runs as the last resource: its branch is never prepared, so there is nothing"
                + " to roll back behind the coordinator's back");
        try {
            app.disarm(); // also forgets what fired before
            // Held long enough for the operator's mistake below, and shorter than the 10 s timeout.
            app.arm("bank-a:BEFORE_COMMIT:DELAY(8s)" + FLOW_TRANSACTIONS);
            long t0 = System.nanoTime();
            CompletableFuture<HttpResponse<String>> answer = sendOneAsync(Flow.TRANSFER, "fi" + PID + "heuristic");
            String gtrid = awaitFiredGtrid();
            // The operator's mistake: ROLLBACK PREPARED of the transaction's PostgreSQL branch.
            String pgBranch = InDoubt.postgresGid(bankA, gtrid);
            assertThat(pgBranch).as("bank A's prepared branch of %s", gtrid).isNotNull();
            bankA.execute("ROLLBACK PREPARED '" + pgBranch + "'");
            HttpResponse<String> r = answer.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean logged = app.logText().lines().anyMatch(l -> l.contains("HEURISTIC OUTCOME") && l.contains(gtrid));
            JsonNode heuristics = DemoApp.JSON.readTree(app.get("/actuator/metrics/twophase.heuristics").body());
            boolean counted = heuristics.path("measurements").path(0).path("value").asDouble(0) >= 1;
            // Once the event is consumed, the checker must see the damage itself: bank B credited, bank A not debited.
            JsonNode report = awaitInvariantsSettled();
            List<String> failing = failingInvariants(report);
            boolean checkerFails = failing.contains("money-conserved") && failing.contains("ledgers-match");
            boolean reportedToClient = r.statusCode() >= 500 && r.body().contains("heuristic");
            String observed = "client " + r.statusCode() + (reportedToClient ? "" : "!") + ", "
                    + (logged ? "logged" : "not logged") + ", " + (counted ? "metric" : "no metric") + ", "
                    + (checkerFails ? "checker fails" : "checker misses it");
            record(name, "heuristic reported", observed, seconds, reportedToClient && logged && counted && checkerFails,
                    "failing invariants " + failing);
            assertThat(r.statusCode()).as("the client must not see a success: %s", r.body()).isGreaterThanOrEqualTo(500);
            assertThat(r.body()).contains("heuristic");
            assertThat(logged).as("a HEURISTIC OUTCOME log line naming %s", gtrid).isTrue();
            assertThat(counted).as("twophase.heuristics metric %s", heuristics).isTrue();
            assertThat(failing).as("invariants the checker reports failing: %s", report).contains("money-conserved", "ledgers-match");
        } finally {
            // Repair the damage so later scenarios start from a consistent state: restart on clean databases.
            repairAfterHeuristic();
        }
    }

    /** Waits until no event is left on the queues and nothing is prepared, then returns the report (consistent or not). */
    static JsonNode awaitInvariantsSettled() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode report;
        do {
            report = app.consistency();
            int queued;
            try (var probe = new dev.twophase.testing.BrokerProbe(broker.url())) {
                queued = probe.messageCount("transfers") + probe.messageCount("likes") + probe.messageCount("orders");
            }
            if (queued == 0 && !failingInvariants(report).contains("nothing-prepared")) {
                return app.consistency();
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return report;
    }

    static List<String> failingInvariants(JsonNode report) {
        List<String> failing = new ArrayList<>();
        report.path("invariants").forEach(i -> {
            if (!"PASS".equalsIgnoreCase(i.path("status").asText())) {
                failing.add(i.path("name").asText());
            }
        });
        return failing;
    }


    static void repairAfterHeuristic() throws Exception {
        // Killed, not stopped: Atomikos's graceful shutdown waits for the heuristic transaction, which never ends,
        // until stop() gives up after 60 s; the run's log and databases are thrown away below anyway.
        app.kill();
        bankA.reset();
        bankB.reset();
        try (var probe = new dev.twophase.testing.BrokerProbe(broker.url())) {
            for (String queue : List.of("transfers", "likes", "orders")) {
                probe.purge(queue);
            }
        }
        config = DemoApp.Config.of(TM, workDir.resolve("app-after-heuristic"), broker.url());
        long t0 = System.nanoTime();
        app = config.start();
        app.awaitRecovered(t0, RECOVERY_TIMEOUT);
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Two coordinators on the same databases and broker.

    @Test
    @Order(30)
    void theSurvivorNeverResolvesTheCrashedCoordinatorsBranches() throws Exception {
        String name = "two coordinators: crash one at BEFORE_COMMIT of bank-b";
        assumeSelected(name);
        String otherTm = TM + "-b";
        DemoApp.Config otherConfig = DemoApp.Config.of(otherTm, workDir.resolve("app-b"), broker.url());
        DemoApp other = otherConfig.start();
        try {
            other.awaitRecovered(System.nanoTime(), RECOVERY_TIMEOUT);
            // The survivor (this suite's main application) keeps working while the other one crashes.
            other.arm("bank-b:BEFORE_COMMIT:HALT" + FLOW_TRANSACTIONS);
            try (Load survivorLoad = Load.start(app, List.of(Flow.LIKE), 2, "fi" + PID + "survivor");
                    Load load = Load.start(other, List.of(Flow.TRANSFER), CLIENTS, "fi" + PID + "other")) {
                assertThat(other.awaitExit(Duration.ofSeconds(60))).as("the other coordinator halted").isTrue();
            }
            Crash crash = Crash.find(other.logText());
            assertThat(crash.event()).as("the event of the crashed transaction %s", crash.gtrid()).isNotNull();
            // Longer than Atomikos's own recovery pass (recovery-delay 10 s) plus two prompt-recovery
            // passes of the survivor: the crashed coordinator's branches must stay prepared.
            Thread.sleep(14_000);
            List<String> stillInDoubt = InDoubt.ofTransaction(InDoubt.of(otherTm, bankA, bankB, broker.url()), crash.gtrid());
            assertThat(stillInDoubt).as("the crashed coordinator's branches while only the survivor runs").isNotEmpty();
            long restartedAt = System.nanoTime();
            other = otherConfig.start();
            double seconds = other.awaitRecovered(restartedAt, RECOVERY_TIMEOUT);
            Flow.Presence presence = settle(Flow.TRANSFER, crash.event());
            List<String> left = new ArrayList<>(InDoubt.of(otherTm, bankA, bankB, broker.url()));
            left.addAll(awaitNothingInDoubt());
            JsonNode report = awaitConsistent();
            boolean passed = presence.outcome() == Outcome.COMMITTED && left.isEmpty() && report.path("consistent").asBoolean(false);
            record(name, "survivor leaves them; owner commits", (stillInDoubt.isEmpty() ? "survivor resolved them!" : "left alone")
                    + ", " + presence.outcome().label(), seconds, passed, left.isEmpty() ? "" : "in doubt: " + left);
            assertThat(presence.outcome()).isEqualTo(Outcome.COMMITTED);
            assertThat(left).isEmpty();
            assertThat(report.path("consistent").asBoolean(false)).as("consistency %s", report).isTrue();
        } finally {
            other.stop();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 4b. The same crash points with bank A as the logging last resource (twophase.coordinator.last-resource).

    /**
     * With bank A as the last resource its branch is never prepared: its one-phase commit, made while the
     * coordinator logs COMMITTING and before that record is forced, is the commit decision. So a crash
     * before bank A's commit (its first commit call is that decision) rolls everything back, and a crash
     * right after it, before the COMMITTING record was forced, commits everything: the restarted log
     * adopts the decision from bank A's table. The other participants keep the outcomes of the XA matrix.
     */
    @TestFactory
    @Order(35)
    Stream<DynamicTest> crashWithBankAAsTheLastResource() {
        List<DynamicTest> tests = new ArrayList<>();
        List<String> points = List.of("BEFORE_PREPARE", "AFTER_PREPARE", "BEFORE_COMMIT", "AFTER_COMMIT");
        for (Flow flow : Flow.XA_FLOWS) {
            for (String point : points) {
                for (String participant : PARTICIPANTS) {
                    boolean decision = participant.equals("bank-a") && point.endsWith("COMMIT");
                    if (flow != Flow.TRANSFER && !decision) {
                        // The other flows only at the decision itself: the rest is the XA matrix's.
                        continue;
                    }
                    Outcome expected = expected(participant, point, true);
                    String name = "last resource bank-a, " + flow.name().toLowerCase() + ": halt " + point + " of " + participant;
                    if (!selected(name)) {
                        continue;
                    }
                    tests.add(dynamicTest(name, () -> {
                        useLastResource(true);
                        crashScenario(name, List.of(flow), List.of(participant + ":" + point + ":HALT:skip=3" + FLOW_TRANSACTIONS), expected);
                        assertThat(app.logText()).as("the restarted application runs bank-a as the last resource")
                                .doesNotContain("could not record the transaction");
                    }));
                }
            }
        }
        String restarted = "last resource bank-a, transfer: PostgreSQL restarted before bank A's one-phase commit";
        if (selected(restarted) && LocalServices.canRestartPostgres()) {
            // The decision's commit fails without a clear answer: the probe finds the branch gone and everything rolls back.
            tests.add(dynamicTest(restarted, () -> {
                useLastResource(true);
                resourceFault(restarted, Flow.TRANSFER, "bank-a:BEFORE_COMMIT:DELAY(3s)", LocalServices::restartPostgres,
                        Outcome.ROLLED_BACK);
                assertThat(app.logText()).contains("gave no clear answer").doesNotContain("HEURISTIC HAZARD");
            }));
        }
        String down = "last resource bank-a, transfer: PostgreSQL down past the probe's deadline at bank A's one-phase commit";
        if (selected(down) && LocalServices.canRestartPostgres()) {
            // The decision's commit and the probe get no answer: the outcome is a recorded heuristic hazard, the caller is
            // told it is unknown, the others stay prepared, and once PostgreSQL is back recovery learns the branch was
            // lost with its connection and rolls the others back.
            tests.add(dynamicTest(down, () -> {
                useLastResource(true);
                Duration deadline = lastResourceProbeDeadline();
                resourceFault(down, Flow.TRANSFER, "bank-a:BEFORE_COMMIT:DELAY(2s)",
                        () -> LocalServices.stopPostgresFor(deadline.plusSeconds(6)), Outcome.ROLLED_BACK);
                assertThat(app.logText()).contains("HEURISTIC HAZARD: the outcome of transaction")
                        .containsPattern("HEURISTIC OUTCOME participant=bank-a xid=\\S+ expected=COMMIT observed=HAZARD")
                        .contains("Heuristic outcome 'unknown'").contains("is known now: ROLLED_BACK")
                        .doesNotContain("Heuristic outcome 'mixed'");
            }));
        }
        boolean suiteSetting = "bank-a".equals(DemoApp.Config.suiteProperties().get("twophase.coordinator.last-resource"));
        if (!tests.isEmpty() && !suiteSetting) {
            tests.add(dynamicTest("last resource: back to every participant prepared", () -> useLastResource(false)));
        }
        return tests.stream();
    }

    /**
     * The outcome a crash at this point must end in. Before every prepare has voted: rolled back. After:
     * committed, except with bank A as the last resource, whose first commit call is the decision itself
     * (its one-phase commit), so a crash before it still rolls back.
     */
    static Outcome expected(String participant, String point, boolean lastResourceBankA) {
        if (point.endsWith("PREPARE")) {
            return Outcome.ROLLED_BACK;
        }
        if (lastResourceBankA && participant.equals("bank-a") && point.equals("BEFORE_COMMIT")) {
            return Outcome.ROLLED_BACK;
        }
        return Outcome.COMMITTED;
    }

    /** Whether the application runs with bank A as the last resource (this chain's config, or -Dtwophase.faults.app-properties). */
    static boolean lastResourceBankA() {
        return "bank-a".equals(config.extra().get("twophase.coordinator.last-resource"));
    }

    /** How long the application's last resource probes at the decision (what useLastResource sets, or its default). */
    static Duration lastResourceProbeDeadline() {
        String value = config.extra().getOrDefault("twophase.coordinator.last-resource-probe-deadline", "30s");
        return Duration.ofSeconds(Long.parseLong(value.replaceAll("s$", "")));
    }

    /** Restarts the application with or without bank A as the last resource, unless it runs so already. */
    static void useLastResource(boolean on) throws Exception {
        String property = "twophase.coordinator.last-resource";
        boolean now = lastResourceBankA();
        if (now == on) {
            return;
        }
        // Killed, not stopped: after the PostgreSQL restart row Atomikos's graceful shutdown waits for the transactions
        // that restart left unfinished in memory until stop() gives up after 60 s. A kill is a crash like every row's,
        // and the log holds every decision the last resource took (the switch is made with no transaction in flight).
        app.kill();
        // A short probe deadline, so that the row whose database stays down past it does not take half a minute.
        config = config.with(property, on ? "bank-a" : "").with("twophase.coordinator.last-resource-probe-deadline", "8s");
        long t0 = System.nanoTime();
        app = config.start();
        app.awaitRecovered(t0, RECOVERY_TIMEOUT);
    }

    // ---------------------------------------------------------------------------------------------
    // 5. Soak: random crash points under mixed load, many rounds (off unless -Dtwophase.soak.rounds=N).

    @Test
    @Order(40)
    void soak() throws Exception {
        assumeSoak();
        Random random = soakRandom();
        List<String> points = List.of("BEFORE_PREPARE", "AFTER_PREPARE", "BEFORE_COMMIT", "AFTER_COMMIT");
        long stopAt = soakMinutes() > 0 ? System.nanoTime() + Duration.ofMinutes(soakMinutes()).toNanos() : Long.MAX_VALUE;
        for (int round = 1; round <= soakRounds(); round++) {
            if (System.nanoTime() - stopAt > 0) {
                System.out.printf("[fault-injection] soak: stopped after %d rounds, its %d minutes are up%n", round - 1, soakMinutes());
                break;
            }
            String point = points.get(random.nextInt(points.size()));
            String participant = PARTICIPANTS.get(random.nextInt(PARTICIPANTS.size()));
            int skip = random.nextInt(20);
            String name = "soak " + round + ": halt " + point + " of " + participant + " after " + skip;
            crashScenario(name, List.of(Flow.TRANSFER, Flow.LIKE, Flow.ORDER),
                    List.of(participant + ":" + point + ":HALT:skip=" + skip + FLOW_TRANSACTIONS),
                    expected(participant, point, lastResourceBankA()));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers.

    /** The transaction a fault hit: its global id, its flow and the event it published (null if it published none). */
    record Crash(String gtrid, Flow flow, Event event) {

        static Crash find(String log) {
            Matcher m = HALT_LINE.matcher(log);
            assertThat(m.find()).as("a TWOPHASE FAULT HALT line in the log").isTrue();
            String gtrid = m.group(1);
            Event event = Event.publishedIn(log, gtrid);
            Flow flow = event == null ? null : switch (event.type()) {
                case "transfer" -> Flow.TRANSFER;
                case "like", "unlike" -> Flow.LIKE;
                default -> Flow.ORDER;
            };
            return new Crash(gtrid, flow, event);
        }
    }

    /** An event the application logged as published in a transaction. */
    record Event(String id, String type, String businessKey) {

        static Event publishedIn(String log, String gtrid) {
            Matcher m = Pattern.compile("Event (\\S+) (\\S+) (\\S+) published in transaction " + Pattern.quote(gtrid) + "\\b")
                    .matcher(log);
            return m.find() ? new Event(m.group(1), m.group(2), m.group(3)) : null;
        }
    }

    /** Waits until the transaction's rows agree across participants (its event reaches the inbox after a commit). */
    static Flow.Presence settle(Flow flow, Event event) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Flow.Presence p;
        do {
            p = flow.presence(event.id(), event.businessKey(), bankA, bankB);
            if (p.outcome() != Outcome.MIXED) {
                return p;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return p;
    }

    static List<String> awaitNothingInDoubt() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> left;
        do {
            left = InDoubt.of(TM, bankA, bankB, broker.url());
            if (left.isEmpty()) {
                return left;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return left;
    }

    static JsonNode awaitConsistent() throws Exception {
        return awaitConsistent(app);
    }

    /** Waits up to 60 s for {@code instance}'s consistency report to pass; returns the last report either way. */
    static JsonNode awaitConsistent(DemoApp instance) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode report;
        do {
            report = instance.consistency();
            if (report.path("consistent").asBoolean(false)) {
                return report;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return report;
    }

    static void record(String name, Object expected, Object observed, double seconds, boolean passed, String note) {
        matrix.add(new Matrix.Row(name, label(expected), label(observed), seconds, passed, note));
    }

    static String label(Object o) {
        return o instanceof Outcome outcome ? outcome.label() : String.valueOf(o);
    }

    static HttpResponse<String> sendOne(Flow flow, String runId) throws Exception {
        Flow.Request r = flow.next(runId, 1);
        return app.post(r.path(), r.body());
    }

    static CompletableFuture<HttpResponse<String>> sendOneAsync(Flow flow, String runId) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return sendOne(flow, runId);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Scenarios whose name matches -Dtwophase.faults.only (a regular expression), all when it is not set. */
    static boolean selected(String scenario) {
        String only = System.getProperty("twophase.faults.only", "");
        return only.isBlank() || Pattern.compile(only).matcher(scenario).find();
    }

    static void assumeSelected(String scenario) {
        assumeTrue(selected(scenario), "not selected by -Dtwophase.faults.only");
    }

    static Random soakRandom() {
        long seed = Long.getLong("twophase.soak.seed", System.nanoTime());
        System.out.printf("[fault-injection] soak: %d rounds, seed %d (replay with -Dtwophase.soak.seed=%d)%n", soakRounds(), seed, seed);
        return new Random(seed);
    }

    static int soakRounds() {
        String value = System.getProperty("twophase.soak.rounds", "0");
        return value.isBlank() ? 0 : Integer.parseInt(value.strip());
    }

    /** A time budget for the soak (-Dtwophase.soak.minutes); 0, the default, runs every round. */
    static long soakMinutes() {
        return Long.getLong("twophase.soak.minutes", 0);
    }

    static void assumeSoak() {
        assumeTrue(soakRounds() > 0, "soak mode is off (-Dtwophase.soak.rounds=N turns it on)");
    }
}
