package dev.twophase.demo.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * The admin endpoint arms real faults on the real participants: a prepare that votes no rolls
 * back all three participants and the client is told so; bad rules and a disabled injector are
 * refused with problem+json and arm nothing.
 */
@TestPropertySource(properties = "twophase.faults.enabled=true")
class FaultAdminIT extends RealParticipantsTest {

    /** The context's fault injector: it exists because twophase.faults.enabled=true. */
    @Autowired
    FaultInjector injector;

    @LocalServerPort
    int port;

    @AfterEach
    void disarm() {
        injector.enable();
        new Api(port).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/faults")).DELETE().build());
    }

    @Test
    void anArmedVoteNoRollsBackEveryParticipantAndIsThenUsedUp() throws Exception {
        Api api = new Api(port);
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

        // The same request again goes through: the rule acted once.
        assertThat(api.transfer("A", "A-0001", "B", "B-0001", 700, "fault-admin-1").status()).isEqualTo(201);
        assertThat(balance(bankA, "A-0001")).isEqualTo(100_000 - 700);
    }

    @Test
    void aMalformedRuleIsRefusedWithProblemJsonAndNothingIsArmed() {
        Api api = new Api(port);
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
        Api api = new Api(port);
        injector.disable();
        Api.Response refused = api.post("/admin/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:HALT\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("type").asText()).isEqualTo("/problems/faults-disabled");
        assertThat(refused.body().path("detail").asText()).contains("twophase.faults.enabled=true");
        assertThat(api.get("/admin/faults").body().path("enabled").asBoolean(true)).isFalse();
        assertThat(api.get("/admin/faults").body().path("armed").size()).isZero();
    }
}
