package dev.twophase.demo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * The admin endpoint arms real faults on the real participants: a prepare that votes no rolls
 * back all three participants and the client is told so; bad rules and a disabled injector are
 * refused with problem+json and arm nothing. The protocol timeline ({@code GET /api/timeline}) shows
 * both transactions as the coordinator ran them: the no vote and the rollbacks, then the prepares,
 * the logged decision and the commits in order.
 */
@TestPropertySource(properties = {"twophase.faults.enabled=true",
        "twophase.console.remote.users.ops.password=ops-secret-1",
        "twophase.console.remote.users.ops.role=operator",
        "twophase.console.remote.users.watch.password=watch-secret-1",
        "twophase.console.remote.users.watch.role=monitor"})
class FaultAdminIT extends RealParticipantsTest {

    /** The context's fault injector: it exists because twophase.faults.enabled=true. */
    @Autowired
    FaultInjector injector;

    @LocalServerPort
    int port;

    @AfterEach
    void disarm() {
        injector.enable();
        operator().delete("/admin/faults");
    }

    @Test
    void anArmedVoteNoRollsBackEveryParticipantAndIsThenUsedUp() throws Exception {
        Api api = operator();
        Api.Response armed = api.post("/admin/faults", "{\"rule\":\"bank-b:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):spans=bank-a+bank-b+broker\"}");
        assertThat(armed.status()).isEqualTo(201);
        assertThat(api.get("/admin/faults").body().path("armed").get(0).asText())
                .isEqualTo("bank-b:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):spans=bank-a+bank-b+broker");

        Api.Response refused = api.transfer("A", "A-0001", "B", "B-0001", 700, "fault-admin-1");

        assertThat(refused.status()).as(refused.raw().body()).isEqualTo(503);
        assertThat(refused.body().path("type").asText()).isEqualTo("/problems/rolled-back");
        assertThat(balance(bankA, "A-0001")).isEqualTo(100_000);
        assertThat(balance(bankB, "B-0001")).isEqualTo(100_000);
        assertThat(rows(bankA, "transfer")).isZero();
        assertThat(preparedAnywhere()).isEmpty();
        var fired = api.get("/admin/faults").body().path("fired");
        assertThat(fired.size()).isEqualTo(1);
        assertThat(fired.get(0).path("point").asText()).isEqualTo("BEFORE_PREPARE");
        assertThat(fired.get(0).path("gtrid").asText()).startsWith("it-" + ProcessHandle.current().pid() + ".");
        assertThat(api.get("/admin/faults").body().path("armed").size()).as("a once-only rule is used up").isZero();

        // The timeline: bank B voted no, and every participant that had voted or worked was rolled back.
        String gtrid = fired.get(0).path("gtrid").asText();
        JsonNode rolledBack = timelineEntry(api, gtrid);
        assertThat(rolledBack.path("outcome").asText()).as(rolledBack.toString()).isEqualTo("rolled back");
        assertThat(rolledBack.path("action").asText()).as("the business action behind it").isEqualTo("transfer");
        List<String> steps = steps(rolledBack);
        assertThat(steps).as(rolledBack.toString()).contains("bank-b prepare no: XA_RBROLLBACK", "bank-a rollback ok",
                "broker rollback ok").noneMatch(step -> step.endsWith(" commit ok")).noneMatch(step -> step.contains("log COMMITTING"));
        assertThat(steps.indexOf("bank-a rollback ok")).isGreaterThan(steps.indexOf("bank-b prepare no: XA_RBROLLBACK"));

        // The same request again goes through: the rule acted once.
        java.util.Set<String> before = new java.util.HashSet<>();
        api.get("/api/timeline?limit=50&participants=2").body().forEach(tx -> before.add(tx.path("gtrid").asText()));
        assertThat(api.transfer("A", "A-0001", "B", "B-0001", 700, "fault-admin-1").status()).isEqualTo(201);
        assertThat(balance(bankA, "A-0001")).isEqualTo(100_000 - 700);

        // Its transaction on the timeline: three yes votes, then the decision logged, then three commits, then TERMINATED.
        JsonNode committed = null;
        for (JsonNode tx : api.get("/api/timeline?limit=50&participants=2").body()) {
            if (!before.contains(tx.path("gtrid").asText()) && steps(tx).contains("bank-b prepare yes")
                    && tx.path("outcome").asText().equals("committed")) {
                committed = tx;
                break;
            }
        }
        assertThat(committed).as("a committed transfer on the timeline").isNotNull();
        assertThat(committed.path("action").asText()).isEqualTo("transfer");
        // Each XA call names its branch: the gtrid with a participant's own branch qualifier.
        for (JsonNode step : committed.path("steps")) {
            boolean xa = !step.path("actor").asText().equals("coordinator");
            assertThat(step.path("branch").isTextual()).as(step.toString()).isEqualTo(xa);
        }
        List<String> order = steps(committed);
        for (String participant : List.of("bank-a", "bank-b", "broker")) {
            assertThat(order).as(committed.toString()).contains(participant + " start ok", participant + " end ok",
                    participant + " prepare yes", participant + " commit ok");
            assertThat(order.indexOf(participant + " prepare yes")).isLessThan(order.indexOf("coordinator log COMMITTING ok"));
            assertThat(order.indexOf(participant + " commit ok")).isGreaterThan(order.indexOf("coordinator log COMMITTING ok"))
                    .isLessThan(order.indexOf("coordinator log TERMINATED ok"));
        }
        JsonNode decision = committed.path("steps").get(order.indexOf("coordinator log COMMITTING ok"));
        assertThat(decision.path("micros").asLong()).as("the decision's write took time").isPositive();
    }

    @Test
    void theTimelineRefusesABadLimitInItsOwnWords() {
        Api.Response bad = new Api(port).get("/api/timeline?limit=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.body().path("type").asText()).isEqualTo("/problems/invalid-timeline-query");
        assertThat(bad.body().path("detail").asText()).contains("between 1 and 200");
        Api.Response notANumber = new Api(port).get("/api/timeline?limit=many");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.raw().body()).doesNotContain("Exception", "java.");
    }

    private static JsonNode timelineEntry(Api api, String gtrid) {
        for (JsonNode tx : api.get("/api/timeline?limit=50&participants=2").body()) {
            if (tx.path("gtrid").asText().equals(gtrid)) {
                return tx;
            }
        }
        throw new AssertionError("transaction " + gtrid + " is not on the timeline");
    }

    /** "participant step result" per step, in the timeline's order. */
    private static List<String> steps(JsonNode tx) {
        List<String> steps = new ArrayList<>();
        tx.path("steps").forEach(s -> steps.add(s.path("actor").asText() + " " + s.path("step").asText() + " " + s.path("result").asText()));
        return steps;
    }

    @Test
    void aMalformedRuleIsRefusedWithProblemJsonAndNothingIsArmed() {
        Api api = operator();
        Api.Response bad = api.post("/admin/faults", "{\"rule\":\"bank-a:WHENEVER:HALT\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.body().path("type").asText()).isEqualTo("/problems/invalid-fault-rule");
        assertThat(bad.body().path("detail").asText()).contains("unknown crash point 'WHENEVER'").contains("BEFORE_COMMIT");
        assertThat(api.post("/admin/faults", "{}").status()).isEqualTo(400);
        assertThat(api.get("/admin/faults").body().path("armed").size()).isZero();
    }

    @Test
    void nothingIsArmedWhileInjectionIsDisabled() {
        Api api = operator();
        injector.disable();
        Api.Response refused = api.post("/admin/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("type").asText()).isEqualTo("/problems/faults-disabled");
        assertThat(refused.body().path("detail").asText()).contains("twophase.faults.enabled=true");
        assertThat(api.get("/admin/faults").body().path("enabled").asBoolean(true)).isFalse();
        assertThat(api.get("/admin/faults").body().path("armed").size()).isZero();
    }

    @Test
    void onlyTheOperatorRoleArmsOrDisarmsAndStrangersLearnNothing() {
        Api anonymous = new Api(port);
        Api monitor = Api.as(port, "watch", "watch-secret-1");
        Api.Response noLogin = anonymous.post("/admin/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}");
        assertThat(noLogin.status()).isEqualTo(401);
        assertThat(noLogin.contentType()).startsWith("application/problem+json");
        assertThat(noLogin.body().path("type").asText()).isEqualTo("/problems/admin-login-required");
        assertThat(anonymous.get("/admin/faults").status()).isEqualTo(401);
        assertThat(Api.as(port, "ops", "wrong").get("/admin/faults").status()).isEqualTo(401);

        Api.Response denied = monitor.post("/admin/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body().path("type").asText()).isEqualTo("/problems/admin-role-required");
        assertThat(monitor.delete("/admin/faults").status()).isEqualTo(403);
        assertThat(monitor.get("/admin/faults").status()).as("the monitor role may read").isEqualTo(200);
        assertThat(injector.armed()).isEmpty();
    }

    private Api operator() {
        return Api.as(port, "ops", "ops-secret-1");
    }
}
