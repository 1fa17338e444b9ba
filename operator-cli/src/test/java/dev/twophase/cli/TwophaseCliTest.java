package dev.twophase.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twophase.cli.FakeCoordinator.Call;

/** The command line against a real RMI JMX connector server in this JVM, with fake console MXBeans. */
class TwophaseCliTest {

    private static final FakeCoordinator COORDINATOR = new FakeCoordinator();
    private static ConsoleServer server;

    private final ObjectMapper json = new ObjectMapper();

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = ConsoleServer.start(COORDINATOR,
                new FakeParticipant("bank-a", true, 1, 0, null, "2026-11-21T13:36:00Z"),
                new FakeParticipant("bank-b", false, 1, 2, "Connection refused: the database at db-b:5432 is down",
                        "2026-11-21T13:35:00Z"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void resetCoordinator() {
        COORDINATOR.reset();
    }

    private static Result run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = TwophaseCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment, args);
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** As the operator user. */
    private static Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--url", server.url(), "--user", "operator", "--password", "op-secret"));
        all.addAll(List.of(args));
        return run(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void listPrintsTheInDoubtBranchesAsAnAlignedTable() {
        Result result = run("list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches(
                "PARTICIPANT +XID +DECISION +RECOMMENDATION +RUN +AGE +IN-FLIGHT +REASON");
        assertThat(lines.get(1)).matches("bank-a +" + FakeCoordinator.COMMITTABLE_XID.replace(".", "\\.")
                + " +COMMIT +COMMIT +PREVIOUS +3m1[23]s +no +the log holds the commit decision");
        assertThat(lines.get(3)).startsWith("broker ").contains(" NONE ", " ROLLBACK ", " CURRENT ", " - ", " yes ")
                .endsWith(FakeCoordinator.LONG_REASON.substring(0, Table.MAX_TEXT - 3) + "...");
        int reasonColumn = lines.get(0).indexOf("REASON");
        assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line.charAt(reasonColumn - 1)).isEqualTo(' '));
        assertThat(lines.get(1).indexOf("the log holds")).isEqualTo(reasonColumn);
    }

    @Test
    void listJsonCarriesEveryFieldUntruncated() throws Exception {
        Result result = run("list", "--json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("[" + System.lineSeparator() + "  {").contains("\"xid\": ");
        JsonNode branches = json.readTree(result.out());
        assertThat(branches.isArray()).isTrue();
        assertThat(branches).hasSize(3);
        JsonNode first = branches.get(0);
        assertThat(first.get("participant").asText()).isEqualTo("bank-a");
        assertThat(first.get("xid").asText()).isEqualTo(FakeCoordinator.COMMITTABLE_XID);
        assertThat(first.get("gtrid").asText()).isEqualTo(FakeCoordinator.GTRID_1);
        assertThat(first.get("bqual").asText()).isEqualTo("demo-1.3");
        assertThat(first.get("formatId").asInt()).isEqualTo(4660);
        assertThat(first.get("run").asText()).isEqualTo("PREVIOUS");
        assertThat(first.get("inFlight").asBoolean()).isFalse();
        assertThat(first.get("decision").asText()).isEqualTo("COMMIT");
        assertThat(first.get("recommendation").asText()).isEqualTo("COMMIT");
        assertThat(first.get("createdAt").asText()).isEqualTo(COORDINATOR.branches.get(0).getCreatedAt());
        JsonNode broker = branches.get(2);
        assertThat(broker.get("reason").asText()).isEqualTo(FakeCoordinator.LONG_REASON);
        assertThat(broker.get("createdAt").isNull()).isTrue();
        assertThat(broker.get("inFlight").asBoolean()).isTrue();
    }

    @Test
    void globalOptionsWorkBeforeTheCommandToo() throws Exception {
        Result result = run(Map.of(), "--json", "--url", server.url(), "--user", "monitor", "--password", "mon-secret", "list");

        assertThat(result.exitCode()).isZero();
        assertThat(json.readTree(result.out())).hasSize(3);
    }

    @Test
    void listLogPrintsThePendingRecoveryLogRecords() {
        Result result = run("list", "--log");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines().toList()).containsExactly(
                "GTRID                      STATE       EXPIRES               PURGE-AT              PREPARED",
                "demo-1.171800000000000001  COMMITTING  2026-11-21T13:40:00Z  2026-11-22T13:40:00Z  2",
                "demo-1.171800000000000009  IN_DOUBT    2026-11-21T13:41:00Z  2026-11-22T13:41:00Z  0");
    }

    @Test
    void listSaysSoWhenNothingIsPending() throws Exception {
        COORDINATOR.branches.clear();
        COORDINATOR.records.clear();

        assertThat(run("list").out()).isEqualTo("No in-doubt branches." + System.lineSeparator());
        assertThat(run("list", "--log").out()).isEqualTo("No pending log records." + System.lineSeparator());
        Result asJson = run("list", "--json");
        assertThat(asJson.exitCode()).isZero();
        assertThat(json.readTree(asJson.out()).isArray()).isTrue();
        assertThat(json.readTree(asJson.out())).isEmpty();
    }

    @Test
    void showPrintsEveryBranchOfAGtridInFull() {
        Result result = run("show", FakeCoordinator.GTRID_1);

        assertThat(result.exitCode()).isZero();
        String[] blocks = result.out().split("\\R\\R");
        assertThat(blocks).hasSize(2);
        assertThat(blocks[0].lines()).contains("participant:    bank-a", "xid:            " + FakeCoordinator.COMMITTABLE_XID,
                "formatId:       4660", "inFlight:       false", "recommendation: COMMIT",
                "reason:         the log holds the commit decision");
        assertThat(blocks[0].lines().filter(line -> line.startsWith("createdAt:")).findFirst().orElseThrow())
                .matches("createdAt: +\\S+ \\(3m1[23]s ago\\)");
        assertThat(blocks[1]).contains("participant:    bank-b", FakeCoordinator.COMMITTABLE_XID_2);
    }

    @Test
    void showNeverTruncatesTheReason() {
        Result result = run("show", FakeCoordinator.REFUSED_XID);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("reason:         " + FakeCoordinator.LONG_REASON + System.lineSeparator())
                .contains("createdAt:      -");
    }

    @Test
    void showExitsWith4WhenNoBranchMatches() {
        Result result = run("show", "demo-1.9:demo-1.9");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("no in-doubt branch matches 'demo-1.9:demo-1.9'", "twophase-cli list");
    }

    @Test
    void forcedCommitPassesForceAndReasonToTheCoordinator() {
        Result result = run("commit", FakeCoordinator.REFUSED_XID, "--force", "--reason", "INC-42: bank confirmed");

        assertThat(result.exitCode()).isZero();
        assertThat(COORDINATOR.calls).containsExactly(new Call("commit", FakeCoordinator.REFUSED_XID, true, "INC-42: bank confirmed"));
        assertThat(result.out()).isEqualTo("commit " + FakeCoordinator.REFUSED_XID
                + " on broker: DONE, forced, heuristic - commit forced on broker (audit audit-1)" + System.lineSeparator());
        assertThat(result.err()).isEmpty();
    }

    @Test
    void commitWithoutForcePassesNoForceAndNoReason() {
        Result result = run("commit", FakeCoordinator.COMMITTABLE_XID);

        assertThat(result.exitCode()).isZero();
        assertThat(COORDINATOR.calls).containsExactly(new Call("commit", FakeCoordinator.COMMITTABLE_XID, false, null));
        assertThat(result.out()).startsWith("commit " + FakeCoordinator.COMMITTABLE_XID + " on bank-a: DONE - ");
    }

    @Test
    void refusedCommitExitsWith1AndSaysWhatToDoOnStderr() {
        Result result = run("commit", FakeCoordinator.REFUSED_XID);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("REFUSED - the log holds no commit decision",
                "twophase-cli show " + FakeCoordinator.REFUSED_XID, "--force --reason");
    }

    @Test
    void actionJsonGoesToStdoutEvenWhenRefused() throws Exception {
        Result result = run("commit", FakeCoordinator.REFUSED_XID, "--json");

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode outcome = json.readTree(result.out());
        assertThat(outcome.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(outcome.get("participant").asText()).isEqualTo("broker");
        assertThat(outcome.get("forced").asBoolean()).isFalse();
        assertThat(outcome.get("auditId").asText()).isEqualTo("audit-1");
        assertThat(result.err()).contains("REFUSED");
    }

    @Test
    void forceWithoutReasonIsAUsageErrorAndActsOnNothing() {
        Result result = run("commit", FakeCoordinator.REFUSED_XID, "--force");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--force requires --reason");
        assertThat(COORDINATOR.calls).isEmpty();
    }

    @Test
    void rollbackOfAnUnknownBranchExitsWith4() {
        Result result = run("rollback", "demo-1.1:demo-1.1");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(COORDINATOR.calls).containsExactly(new Call("rollback", "demo-1.1:demo-1.1", false, null));
        assertThat(result.err()).contains("NOT_FOUND", "twophase-cli list");
    }

    @Test
    void forgetPassesTheReasonAndAlreadyResolvedExitsWith4() {
        Result result = run("forget", FakeCoordinator.GTRID_1, "--reason", "cleaned up by hand");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(COORDINATOR.calls).containsExactly(new Call("forget", FakeCoordinator.GTRID_1, false, "cleaned up by hand"));
        assertThat(result.err()).contains("ALREADY_RESOLVED", "nothing left to do");
    }

    @Test
    void recoverStartsARecoveryPass() {
        Result result = run("recover");

        assertThat(result.exitCode()).isZero();
        assertThat(COORDINATOR.calls).containsExactly(new Call("recover", "", false, null));
        assertThat(result.out()).isEqualTo("recover: STARTED - recovery pass 7 started (audit audit-1)" + System.lineSeparator());
    }

    @Test
    void aFailureInsideTheApplicationExitsWith1WithoutAStackTrace() {
        Result result = run("rollback", FakeCoordinator.FAILING_XID);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("failed to rollback " + FakeCoordinator.FAILING_XID,
                "IllegalStateException: participant bank-c is not configured", "application's log")
                .doesNotContain("\tat ");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Result result = run("rollback", FakeCoordinator.FAILING_XID, "--verbose");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("IllegalStateException", "\tat ");
    }

    @Test
    void statsPrintsTheCoordinatorsAttributesAndAParticipantTable() {
        Result result = run("stats");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines().toList()).containsExactly(
                "tmName:        demo-1",
                "logDirectory:  /var/lib/twophase/log",
                "auditFile:     /var/lib/twophase/audit.jsonl",
                "committed:     1234",
                "rolledBack:    56",
                "heuristic:     1",
                "inFlight:      2",
                "recoveryState: COMPLETE",
                "inDoubt:       3",
                "recoveringFor: dead-1.",
                "",
                "NAME    REACHABLE  PREPARED  OTHERS  LAST-SCAN             LAST-ERROR",
                "bank-a  yes        1         0       2026-11-21T13:36:00Z  -",
                "bank-b  no         1         2       2026-11-21T13:35:00Z  Connection refused: the database at db-b:5432 is down");
    }

    @Test
    void statsJsonHasTheCoordinatorAndEveryParticipant() throws Exception {
        Result result = run("stats", "--json");

        assertThat(result.exitCode()).isZero();
        JsonNode stats = json.readTree(result.out());
        assertThat(stats.get("coordinator").get("tmName").asText()).isEqualTo("demo-1");
        assertThat(stats.get("coordinator").get("committed").asLong()).isEqualTo(1234);
        assertThat(stats.get("coordinator").get("recoveryState").asText()).isEqualTo("COMPLETE");
        assertThat(stats.get("coordinator").get("recoveringFor").asText()).isEqualTo("dead-1.");
        assertThat(stats.get("participants")).hasSize(2);
        assertThat(stats.get("participants").get(1).get("name").asText()).isEqualTo("bank-b");
        assertThat(stats.get("participants").get(1).get("reachable").asBoolean()).isFalse();
        assertThat(stats.get("participants").get(1).get("preparedBranchesOfOthers").asInt()).isEqualTo(2);
    }

    @Test
    void monitorMayReadButNotCommit() {
        Result list = run(Map.of(), "list", "--url", server.url(), "--user", "monitor", "--password", "mon-secret");
        assertThat(list.exitCode()).isZero();

        Result commit = run(Map.of(), "commit", FakeCoordinator.COMMITTABLE_XID, "--url", server.url(), "--user", "monitor",
                "--password", "mon-secret");

        assertThat(commit.exitCode()).isEqualTo(5);
        assertThat(commit.err()).contains("user 'monitor' may not commit " + FakeCoordinator.COMMITTABLE_XID,
                ConsoleServer.DENIED, "use a user with the operator role").doesNotContain("..");
        assertThat(COORDINATOR.calls).isEmpty();
    }

    @Test
    void wrongPasswordExitsWith3NamingTheUser() {
        Result result = run(Map.of(), "list", "--url", server.url(), "--user", "operator", "--password", "wrong");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("authentication failed for user 'operator' at " + server.url()
                + ": check --user and --password (or TWOPHASE_JMX_USER / TWOPHASE_JMX_PASSWORD)" + System.lineSeparator());
    }

    @Test
    void withoutAUserTheMessageSaysTheConsoleRequiresOne() {
        Result result = run(Map.of(), "list", "--url", server.url());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("the console requires a user", "--user");
    }

    @Test
    void nothingListeningExitsWith3AndSaysHowToEnableTheConsole() throws Exception {
        String url = "127.0.0.1:" + ConsoleServer.freePort();

        Result result = run(Map.of(), "list", "--url", url, "--user", "operator", "--password", "op-secret");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).startsWith("cannot connect to " + url + ": ")
                .contains("Connection refused", "twophase.console.remote.enabled=true", "is the port right?")
                .doesNotContain("\tat ");
    }

    @Test
    void anApplicationWithoutTheConsoleExitsWith3() throws Exception {
        try (ConsoleServer bare = ConsoleServer.startWithoutConsole()) {
            Result result = run(Map.of(), "list", "--url", bare.url(), "--user", "operator", "--password", "op-secret");

            assertThat(result.exitCode()).isEqualTo(3);
            assertThat(result.err()).contains("has no twophase coordinator console", "twophase.console.enabled=false");
        }
    }

    @Test
    void connectionSettingsComeFromTheEnvironment() {
        Result result = run(Map.of("TWOPHASE_JMX_URL", "service:jmx:rmi:///jndi/rmi://" + server.url() + "/jmxrmi",
                "TWOPHASE_JMX_USER", "monitor", "TWOPHASE_JMX_PASSWORD", "mon-secret"), "list", "--log");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("COMMITTING");
    }

    @Test
    void optionsOverrideTheEnvironment() {
        Result result = run(Map.of("TWOPHASE_JMX_URL", "127.0.0.1:1", "TWOPHASE_JMX_USER", "nobody",
                "TWOPHASE_JMX_PASSWORD", "nothing"), "list", "--url", server.url(), "--user", "operator", "--password", "op-secret");

        assertThat(result.exitCode()).isZero();
    }

    @Test
    void passwordFileGivesTheFirstLine(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("password"), "op-secret\nsecond line\n");

        Result result = run(Map.of(), "recover", "--url", server.url(), "--user", "operator", "--password-file", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(COORDINATOR.calls).hasSize(1);
    }

    @Test
    void passwordAndPasswordFileTogetherAreAUsageError(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("password"), "op-secret\n");

        Result result = run("list", "--password-file", file.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("give --password or --password-file, not both");
    }

    @Test
    void aMalformedUrlIsAUsageError() {
        Result result = run(Map.of(), "list", "--url", "localhost");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--url 'localhost' is neither host:port");
    }

    @Test
    void helpListsTheExitCodes() {
        Result result = run(Map.of(), "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Exit codes:", "commit", "stats", "--password-file")
                .containsPattern("(?m)^ +5 +permission denied");
        assertThat(run(Map.of(), "commit", "--help").out()).contains("--force", "Exit codes:");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Result result = run(Map.of(), "comit");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("comit", "commit");
    }

    @Test
    void noCommandIsAUsageError() {
        Result result = run(Map.of());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing command", "Usage:");
    }
}
