package dev.twophase.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.twophase.demo.support.Api;

/** The embedded default (no profile): H2 + H2 + embedded Artemis, no servers, serves the transfer API. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedDefaultSmokeIT {

    static final Path DATA_DIR = Path.of("target", "embedded-smoke-" + UUID.randomUUID()).toAbsolutePath();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("twophase.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Test
    void startupRecoveryWaitsForAllThreeParticipantsByDefault() {
        // application.yml does not list them: the starter's default is every declared participant.
        assertThat(environment.getProperty("twophase.coordinator.recovery-participants", String[].class))
                .containsExactly("bank-a", "bank-b", "broker");
    }

    @Test
    void transferMovesMoneyBetweenTheEmbeddedBanksAndPublishesOneEvent() throws Exception {
        Api api = new Api(port);

        Api.Response response = api.transfer("A", "A-0001", "B", "B-0001", 2500, "smoke-1");

        assertThat(response.status()).as(response.raw().body()).isEqualTo(201);
        String id = response.body().get("id").asText();
        JsonNode accounts = api.get("/api/accounts").body();
        assertThat(balance(accounts, "A-0001")).isEqualTo(100_000 - 2500);
        assertThat(balance(accounts, "B-0001")).isEqualTo(100_000 + 2500);
        long total = 0;
        for (JsonNode a : accounts) {
            total += a.get("balanceCents").asLong();
        }
        assertThat(total).isEqualTo(2 * 10 * 100_000L);

        // The XA consumer moves the event into the inbox; the checker then sees every invariant hold.
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode report = api.get("/api/consistency").body();
            assertThat(report.get("consistent").asBoolean()).as(report.toString()).isTrue();
            assertThat(report.at("/invariants/4/figures/transferConsumed").asInt()).isEqualTo(1);
        });

        // Everything lives under the one data directory.
        assertThat(DATA_DIR.resolve("bank-a.mv.db")).exists();
        assertThat(DATA_DIR.resolve("bank-b.mv.db")).exists();
        assertThat(DATA_DIR.resolve("broker")).isDirectory();
        try (var log = Files.list(DATA_DIR.resolve("tx-log"))) {
            assertThat(log.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("tmlog"));
        }
    }

    @Test
    void insufficientFundsIsRefusedAndChangesNothing() {
        Api api = new Api(port);
        long before = balance(api.get("/api/accounts").body(), "A-0002");

        Api.Response response = api.transfer("A", "A-0002", "B", "B-0002", 100_001, "smoke-2");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().get("type").asText()).isEqualTo("/problems/insufficient-funds");
        assertThat(balance(api.get("/api/accounts").body(), "A-0002")).isEqualTo(before);
        // Nothing else either: a registry row left behind by the refused transfer would fail ledgers-match.
        Awaitility.await().atMost(Duration.ofSeconds(20)).during(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode report = api.get("/api/consistency").body();
            assertThat(report.get("consistent").asBoolean()).as(report.toString()).isTrue();
        });
    }

    private static long balance(JsonNode accounts, String id) {
        for (JsonNode a : accounts) {
            if (a.get("id").asText().equals(id)) {
                return a.get("balanceCents").asLong();
            }
        }
        throw new AssertionError("no account " + id + " in " + accounts);
    }
}
