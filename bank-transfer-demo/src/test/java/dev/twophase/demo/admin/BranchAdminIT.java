package dev.twophase.demo.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twophase.coordinator.console.AuditLog;
import dev.twophase.demo.support.Api;

/**
 * The web page's admin endpoints and the consumed-events feed, over HTTP on the embedded default:
 * who may list and resolve in-doubt branches, how refusals look, and that actions are audited as
 * the web user.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twophase.console.remote.users.ops.password=ops-secret-1",
        "twophase.console.remote.users.ops.role=operator",
        "twophase.console.remote.users.watch.password=watch-secret-1",
        "twophase.console.remote.users.watch.role=monitor"})
class BranchAdminIT {

    static final Path DATA_DIR = Path.of("target", "admin-" + UUID.randomUUID()).toAbsolutePath();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("twophase.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    AuditLog audit;

    @Test
    void listingNeedsAConsoleUserAndNoBrowserChallengeIsSent() {
        Api.Response anonymous = send("GET", "/admin/branches", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.raw().headers().firstValue("WWW-Authenticate")).as("no native browser prompt").isEmpty();
        assertThat(anonymous.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(anonymous.body().path("type").asText()).isEqualTo("/problems/admin-login-required");

        assertThat(send("GET", "/admin/branches", "ops:wrong-password", null).status()).isEqualTo(401);
        Api.Response listed = send("GET", "/admin/branches", "watch:watch-secret-1", null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().isArray()).isTrue();
        assertThat(listed.body()).isEmpty();
    }

    @Test
    void onlyTheOperatorRoleResolvesAndEveryActionIsAuditedAsTheWebUser() throws Exception {
        Api.Response denied = send("POST", "/admin/branches/commit", "watch:watch-secret-1", "{\"xid\":\"demo-1.1:demo-1.1\"}");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body().path("detail").asText()).contains("operator role");

        Api.Response notFound = send("POST", "/admin/branches/commit", "ops:ops-secret-1", "{\"xid\":\"demo-1.1:demo-1.1\"}");
        assertThat(notFound.status()).isEqualTo(200);
        assertThat(notFound.body().path("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(audit.read()).last().satisfies(r -> {
            assertThat(r.get("who")).isEqualTo("ops");
            assertThat(r.get("action")).isEqualTo("commit");
            assertThat(r.get("outcome")).isEqualTo("NOT_FOUND");
        });

        Api.Response forcedWithoutReason = send("POST", "/admin/branches/rollback", "ops:ops-secret-1",
                "{\"xid\":\"demo-1.1:demo-1.1\",\"force\":true}");
        assertThat(forcedWithoutReason.body().path("outcome").asText()).isEqualTo("REFUSED");
        assertThat(forcedWithoutReason.body().path("message").asText()).contains("needs a reason");

        Api.Response noXid = send("POST", "/admin/branches/rollback", "ops:ops-secret-1", "{}");
        assertThat(noXid.status()).isEqualTo(400);
        assertThat(noXid.body().path("detail").asText()).contains("xid is required");
    }

    @Test
    void theEventsFeedListsConsumedEventsNewestFirstAndRefusesABadLimit() {
        Api api = new Api(port);
        assertThat(api.transfer("A", "A-0004", "B", "B-0004", 300, "events-feed-1").status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/events?limit=5").body().size() > 0);
        var latest = api.get("/api/events?limit=5").body().get(0);
        assertThat(latest.path("eventType").asText()).isEqualTo("transfer");
        assertThat(latest.path("receivedAt").asText()).isNotBlank();

        Api.Response bad = api.get("/api/events?limit=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("detail").asText()).contains("limit must be between 1 and 200");
    }

    private Api.Response send(String method, String path, String credentials, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return new Api(port).send(request.build());
    }
}
