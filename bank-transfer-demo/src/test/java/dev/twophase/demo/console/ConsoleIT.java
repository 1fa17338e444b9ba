package dev.twophase.demo.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;

import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

import dev.twophase.cli.TwophaseCli;
import dev.twophase.coordinator.console.AuditLog;
import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * The operator console end to end: the demo in the real profile with remote JMX on, the operator
 * CLI over a real RMI connector with authentication, and in-doubt branches created for real on
 * MariaDB (through the fault injector: every commit of bank B's branch fails with XAER_RMFAIL
 * after the commit decision, until the test disarms it; with commit-retries=0 the request returns
 * at once, and Atomikos's background retries come an hour apart) and on
 * PostgreSQL (a branch prepared directly, as a crashed run would leave it).
 *
 * <p>Prompt recovery passes once at startup and then only every hour here, and Atomikos's own
 * recovery waits an hour, so the branches stay in doubt until the operator acts.
 */
@TestPropertySource(properties = {
        "twophase.faults.enabled=true",
        "twophase.coordinator.max-timeout=3h",
        "twophase.coordinator.recovery-interval=1h",
        "twophase.coordinator.recovery-deadline=2h",
        "twophase.coordinator.recovery-delay=1h",
        "twophase.coordinator.commit-retries=0",
        "twophase.coordinator.commit-retry-interval=1h",
        "twophase.console.remote.enabled=true",
        "twophase.console.remote.users.ops.password=ops-secret-1",
        "twophase.console.remote.users.ops.role=operator",
        "twophase.console.remote.users.watch.password=watch-secret-1",
        "twophase.console.remote.users.watch.role=monitor"})
class ConsoleIT extends RealParticipantsTest {

    /** The context's fault injector: it exists because twophase.faults.enabled=true. */
    @Autowired
    FaultInjector injector;

    private static final int JMX_PORT = freePort();
    private static final String URL = "127.0.0.1:" + JMX_PORT;
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void jmx(DynamicPropertyRegistry registry) {
        registry.add("twophase.console.remote.port", () -> JMX_PORT);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    AuditLog audit;

    /** Rolls back what a test prepared by hand, should the test fail before the console resolved it. */
    private static final java.util.List<java.util.concurrent.Callable<?>> leftovers = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void disarmAndCleanUp() {
        injector.disarm();
        for (java.util.concurrent.Callable<?> leftover : leftovers) {
            try {
                leftover.call();
            } catch (Exception alreadyResolved) {
                // XAER_NOTA: the test resolved it, as it should
            }
        }
        leftovers.clear();
    }

    @Test
    void aBranchLeftPreparedAfterTheCommitDecisionIsListedWithCommitAndCommittedThroughTheCli() throws Exception {
        Api api = new Api(port);
        assertThat(Api.as(port, "ops", "ops-secret-1").post("/admin/faults", "{\"rule\":\"bank-b:BEFORE_COMMIT:FAIL(XAER_RMFAIL):always:spans=bank-a+bank-b+broker\"}")
                .status()).isEqualTo(201);
        Api.Response answer = api.transfer("A", "A-0001", "B", "B-0001", 2_500, "console-1");
        System.out.printf("%n[twophase console] transfer while bank-b's commit fails answered %d %s%n", answer.status(),
                answer.raw().body());

        assertThat(bankB.preparedBranches()).as("bank-b's branch stays prepared").hasSize(1);
        assertThat(balance(bankA, "A-0001")).as("bank A committed").isEqualTo(100_000 - 2_500);
        assertThat(balance(bankB, "B-0001")).as("bank B not yet").isEqualTo(100_000);

        Run list = cli("--user", "watch", "--password", "watch-secret-1", "list");
        System.out.printf("%n[twophase console] twophase-cli list:%n%s%n", list.out);
        assertThat(list.code).as(list.err).isZero();
        JsonNode branches = json(cli("--user", "watch", "--password", "watch-secret-1", "--json", "list"));
        assertThat(branches).hasSize(1);
        JsonNode branch = branches.get(0);
        assertThat(branch.path("participant").asText()).isEqualTo("bank-b");
        assertThat(branch.path("decision").asText()).isEqualTo("COMMIT");
        assertThat(branch.path("recommendation").asText()).isEqualTo("COMMIT");
        String xid = branch.path("xid").asText();
        assertThat(list.out).contains(xid).contains("COMMIT");

        Run denied = cli("--user", "watch", "--password", "watch-secret-1", "commit", xid);
        assertThat(denied.code).as("the monitor role is read-only").isEqualTo(5);
        assertThat(denied.err).contains("operator role");
        Run refused = cli("--user", "ops", "--password", "ops-secret-1", "rollback", xid);
        assertThat(refused.code).as("rolling back a decided commit is refused").isEqualTo(1);
        assertThat(refused.err).contains("commit decision");
        assertThat(bankB.preparedBranches()).hasSize(1);

        assertThat(branch.path("inFlight").asBoolean()).as("Atomikos still retries its phase 2").isTrue();

        // Once the participant works again, the operator's commit and Atomikos's own retry race;
        // either wins, and the console says which (DONE, or ALREADY_RESOLVED with exit 4).
        injector.disarm();
        Run committed = cli("--user", "ops", "--password", "ops-secret-1", "commit", xid);
        System.out.printf("%n[twophase console] twophase-cli commit:%n%s%s%n", committed.out, committed.err);
        assertThat(committed.code).as(committed.err).isIn(0, 4);
        assertThat(committed.out + committed.err).containsAnyOf("DONE", "ALREADY_RESOLVED", "NOT_FOUND");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> bankB.preparedBranches().isEmpty());
        assertThat(balance(bankB, "B-0001")).isEqualTo(100_000 + 2_500);
        assertThat(audit.read()).filteredOn(r -> "outcome".equals(r.get("phase")))
                .extracting(r -> r.get("who") + " " + r.get("action") + " " + r.get("outcome"))
                .contains("ops rollback REFUSED");
        awaitConsistent();
    }

    @Test
    void aBranchWhoseCommitWasDecidedByAnEarlierRunIsCommittedThroughTheCliAndOnlyThen() throws Exception {
        // As a crash after the commit decision leaves it: the branch prepared on bank B, the
        // COMMITTING record in the log, no live transaction. (Recovery would commit it at its next
        // pass, an hour away here.)
        Xid xid = decidedOnBankB();
        String text = text(xid);
        String gtrid = new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII);
        assertThat(bankB.preparedBranches()).hasSize(1);

        Run list = cli("--user", "ops", "--password", "ops-secret-1", "list");
        System.out.printf("%n[twophase console] twophase-cli list (a commit decision of an earlier run):%n%s%n", list.out);
        JsonNode shown = json(cli("--user", "ops", "--password", "ops-secret-1", "--json", "show", text));
        assertThat(shown).hasSize(1);
        assertThat(shown.get(0).path("participant").asText()).isEqualTo("bank-b");
        assertThat(shown.get(0).path("run").asText()).isEqualTo("PREVIOUS");
        assertThat(shown.get(0).path("decision").asText()).isEqualTo("COMMIT");
        assertThat(shown.get(0).path("recommendation").asText()).isEqualTo("COMMIT");
        assertThat(shown.get(0).path("inFlight").asBoolean()).isFalse();
        JsonNode log = json(cli("--user", "ops", "--password", "ops-secret-1", "--json", "list", "--log"));
        assertThat(log).anySatisfy(r -> {
            assertThat(r.path("gtrid").asText()).isEqualTo(gtrid);
            assertThat(r.path("state").asText()).isEqualTo("COMMITTING");
            assertThat(r.path("preparedBranches").asInt()).isEqualTo(1);
        });

        assertThat(cli("--user", "ops", "--password", "ops-secret-1", "rollback", text).code).isEqualTo(1);
        assertThat(cli("--user", "ops", "--password", "ops-secret-1", "forget", gtrid).code).as("branches still prepared")
                .isEqualTo(1);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM account WHERE id = 'console-decided'")).isZero();

        Run committed = cli("--user", "ops", "--password", "ops-secret-1", "commit", text);
        System.out.printf("%n[twophase console] twophase-cli commit:%n%s%s%n", committed.out, committed.err);
        assertThat(committed.code).as(committed.err).isZero();
        assertThat(committed.out).contains("DONE");
        assertThat(bankB.preparedBranches()).isEmpty();
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM account WHERE id = 'console-decided'")).as("its insert committed").isOne();
        assertThat(cli("--user", "ops", "--password", "ops-secret-1", "commit", text).code).as("gone now").isEqualTo(4);
        assertThat(audit.read()).filteredOn(r -> "outcome".equals(r.get("phase")))
                .extracting(r -> r.get("who") + " " + r.get("action") + " " + r.get("outcome"))
                .containsSubsequence("ops rollback REFUSED", "ops commit DONE", "ops commit NOT_FOUND");

        Run forgotten = cli("--user", "ops", "--password", "ops-secret-1", "forget", gtrid);
        assertThat(forgotten.code).as(forgotten.err).isZero();
        assertThat(json(cli("--user", "ops", "--password", "ops-secret-1", "--json", "list", "--log")))
                .noneSatisfy(r -> assertThat(r.path("gtrid").asText()).isEqualTo(gtrid));
    }

    @Test
    void aBranchOfAnEarlierRunWithoutDecisionIsRecommendedForRollbackAndCannotBeCommittedWithoutForce() throws Exception {
        Xid xid = orphanOnBankA();
        String text = text(xid);
        assertThat(bankA.preparedBranches()).hasSize(1);

        JsonNode shown = json(cli("--user", "ops", "--password", "ops-secret-1", "--json", "show", text));
        assertThat(shown).hasSize(1);
        assertThat(shown.get(0).path("participant").asText()).isEqualTo("bank-a");
        assertThat(shown.get(0).path("run").asText()).isEqualTo("PREVIOUS");
        assertThat(shown.get(0).path("decision").asText()).isEqualTo("NONE");
        assertThat(shown.get(0).path("recommendation").asText()).isEqualTo("ROLLBACK");

        Run refused = cli("--user", "ops", "--password", "ops-secret-1", "commit", text);
        assertThat(refused.code).isEqualTo(1);
        assertThat(refused.err).contains("no commit decision");
        assertThat(bankA.preparedBranches()).hasSize(1);

        Run rolledBack = cli("--user", "ops", "--password", "ops-secret-1", "rollback", text);
        assertThat(rolledBack.code).as(rolledBack.err).isZero();
        assertThat(bankA.preparedBranches()).isEmpty();
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM account WHERE id = 'console-orphan'")).as("its insert is gone").isZero();
    }

    @Test
    void aWrongPasswordIsRefusedAndMetricsAndStatsMoveAsTransactionsRun() throws Exception {
        Run wrong = cli("--user", "ops", "--password", "not-the-password", "stats");
        assertThat(wrong.code).isEqualTo(3);
        assertThat(wrong.err).contains("authentication failed").contains("ops");

        double committedBefore = meters.get("twophase.transactions").tag("outcome", "committed").functionCounter().count();
        long preparesBefore = prepares("bank-a");
        Run statsBefore = cli("--user", "watch", "--password", "watch-secret-1", "--json", "stats");
        long consoleCommittedBefore = json(statsBefore).path("coordinator").path("committed").asLong();

        assertThat(new Api(port).transfer("A", "A-0002", "B", "B-0002", 100, "console-metrics").status()).isEqualTo(201);

        assertThat(meters.get("twophase.transactions").tag("outcome", "committed").functionCounter().count())
                .isGreaterThanOrEqualTo(committedBefore + 1);
        assertThat(prepares("bank-a")).as("XA phase timers: %s", meters.find("twophase.xa.phase").meters().stream()
                .map(m -> m.getId().getTags() + "=" + ((io.micrometer.core.instrument.Timer) m).count()).toList())
                .isGreaterThanOrEqualTo(preparesBefore + 1);
        JsonNode stats = json(cli("--user", "watch", "--password", "watch-secret-1", "--json", "stats"));
        assertThat(stats.path("coordinator").path("committed").asLong()).isGreaterThanOrEqualTo(consoleCommittedBefore + 1);
        assertThat(stats.path("coordinator").path("tmName").asText()).isEqualTo("it-" + ProcessHandle.current().pid());
        assertThat(stats.path("participants")).extracting(p -> p.path("name").asText()).contains("bank-a", "bank-b", "broker");
        assertThat(stats.path("participants")).as("the participant beans report the latest scan")
                .allSatisfy(p -> {
                    assertThat(p.path("reachable").asBoolean()).isTrue();
                    assertThat(p.path("lastScanAt").asText()).isNotBlank();
                });

        assertThat(new Api(port).get("/actuator/health").body().has("components"))
                .as("details only for a logged-in console user").isFalse();
        JsonNode health = Api.as(port, "watch", "watch-secret-1").get("/actuator/health").body();
        assertThat(health.path("components").path("recoveryLog").path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components").path("recoveryLog").path("details").path("lock").asText())
                .isEqualTo("held by this process");
        assertThat(health.path("components").path("participants").path("components").path("bank-b").path("status").asText())
                .isEqualTo("UP");
    }

    private long prepares(String participant) {
        return meters.find("twophase.xa.phase").tag("participant", participant).tag("phase", "prepare").tag("outcome", "ok")
                .timers().stream().mapToLong(t -> t.count()).sum();
    }

    private static void rollBackAfterTheTest(javax.sql.XADataSource ds, Xid xid) {
        leftovers.add(() -> {
            XAConnection again = ds.getXAConnection();
            try {
                again.getXAResource().rollback(xid);
            } finally {
                again.close();
            }
            return null;
        });
    }

    private static String text(Xid xid) {
        return new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII) + ":"
                + new String(xid.getBranchQualifier(), StandardCharsets.US_ASCII);
    }

    /** A branch prepared on bank B by an earlier run whose commit decision is in the log, as a crash after the decision leaves it. */
    private static Xid decidedOnBankB() throws Exception {
        Xid xid = earlierRunXid(2, "900002");
        com.mysql.cj.jdbc.MysqlXADataSource ds = new com.mysql.cj.jdbc.MysqlXADataSource();
        ds.setUrl(bankB.server().url());
        ds.setUser(bankB.server().username());
        ds.setPassword(bankB.server().password());
        XAConnection xa = ds.getXAConnection();
        try {
            XAResource resource = xa.getXAResource();
            resource.start(xid, XAResource.TMNOFLAGS);
            try (Connection c = xa.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO account (id, owner, balance_cents, opening_balance_cents)"
                        + " VALUES ('console-decided', 'decided', 0, 0)");
            }
            resource.end(xid, XAResource.TMSUCCESS);
            assertThat(resource.prepare(xid)).isEqualTo(XAResource.XA_OK);
        } finally {
            xa.close();
        }
        rollBackAfterTheTest(ds, xid);
        // The commit decision an earlier run's log would hold, written through twophase's log (the
        // OltpLog Atomikos loaded): no live coordinator has this id, so it is written as any 2PC record.
        // It expires in an hour, as a decision within its transaction's timeout would: Atomikos refuses
        // to log COMMITTING for an expired transaction, which its recovery may already have aborted.
        String gtrid = new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII);
        ((com.atomikos.recovery.OltpLog) com.atomikos.icatch.config.Configuration.getRecoveryLog())
                .write(new com.atomikos.recovery.PendingTransactionRecord(gtrid, com.atomikos.recovery.TxState.COMMITTING,
                        System.currentTimeMillis() + 3_600_000L, "it-" + ProcessHandle.current().pid() + "."));
        return xid;
    }

    /** An id of this coordinator's format for a transaction begun an hour ago (an earlier run). */
    private static Xid earlierRunXid(int counter, String branch) {
        String tm = "it-" + ProcessHandle.current().pid() + ".";
        long anHourAgo = System.currentTimeMillis() - 3_600_000L;
        return PlainXid.of(4660, tm + anHourAgo + String.format("%05d", counter), tm + branch);
    }

    /** A branch prepared on bank A with an id of this coordinator from an hour ago and no log record, as a crash leaves it. */
    private static Xid orphanOnBankA() throws Exception {
        Xid xid = earlierRunXid(1, "900001");
        PGXADataSource ds = new PGXADataSource();
        ds.setUrl(bankA.server().url());
        ds.setUser(bankA.server().username());
        ds.setPassword(bankA.server().password());
        rollBackAfterTheTest(ds, xid);
        XAConnection xa = ds.getXAConnection();
        try {
            XAResource resource = xa.getXAResource();
            resource.start(xid, XAResource.TMNOFLAGS);
            try (Connection c = xa.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO account (id, owner, balance_cents) VALUES ('console-orphan', 'orphan', 0)");
            }
            resource.end(xid, XAResource.TMSUCCESS);
            assertThat(resource.prepare(xid)).isEqualTo(XAResource.XA_OK);
        } finally {
            xa.close();
        }
        return xid;
    }

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = URL;
        System.arraycopy(args, 0, all, 2, args.length);
        int code = TwophaseCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                all);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(Run run) throws IOException {
        assertThat(run.code).as(run.err).isZero();
        return JSON.readTree(run.out);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
