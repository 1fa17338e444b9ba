package dev.twophase.demo.likes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;
import dev.twophase.testing.BrokerProbe;
import dev.twophase.testing.DatabaseProbe;

/**
 * The like flow on PostgreSQL (article counts) + MariaDB/MySQL (likes, like records, quotas) +
 * Artemis (events): a like or unlike reaches all three; every refusal or failure none. Each test
 * uses its own users, so the small daily quota of this class only bites where a test wants it.
 */
@TestPropertySource(properties = {"twophase.likes.daily-quota=" + LikeFlowIT.QUOTA, "twophase.faults.enabled=true",
        "twophase.console.remote.users.ops.password=ops-secret-1", "twophase.console.remote.users.ops.role=operator"})
class LikeFlowIT extends RealParticipantsTest {

    static final int QUOTA = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    LikeService likeService;

    @Autowired
    PlatformTransactionManager transactionManager;

    Api api() {
        return new Api(port);
    }

    @Test
    void likeCountsInBankARecordsInBankBAndDeliversOneEventThenUnlikeUndoesIt() throws Exception {
        long countBefore = likeCount("art-1");

        Api.Response liked = like("art-1", "alice");

        assertThat(liked.status()).as(liked.raw().body()).isEqualTo(201);
        assertThat(liked.body().get("articleId").asText()).isEqualTo("art-1");
        assertThat(liked.body().get("userId").asText()).isEqualTo("alice");
        assertThat(liked.body().get("liked").asBoolean()).isTrue();
        assertThat(liked.body().get("likeCount").asLong()).isEqualTo(countBefore + 1);
        assertThat(likeCount("art-1")).isEqualTo(countBefore + 1);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE user_id = 'alice' AND article_id = 'art-1'")).isEqualTo(1);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE user_id = 'alice' AND article_id = 'art-1' AND action = 'LIKE'")).isEqualTo(1);
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = 'alice' AND quota_day = ?", today())).isEqualTo(1);
        String likeEvent = text(bankB, "SELECT event_id FROM like_action WHERE user_id = 'alice' AND action = 'LIKE'");
        JsonNode event = awaitEvent(likeEvent);
        assertThat(event.get("schema").asText()).isEqualTo("twophase.like.v1");
        assertThat(event.get("eventType").asText()).isEqualTo("like");
        assertThat(event.get("eventId").asText()).isEqualTo(likeEvent);
        assertThat(event.get("businessKey").asText()).isEqualTo(likeEvent);
        assertThat(event.get("userId").asText()).isEqualTo("alice");
        assertThat(event.get("articleId").asText()).isEqualTo("art-1");
        assertThat(event.get("action").asText()).isEqualTo("LIKE");
        assertThat(event.get("likeCount").asLong()).isEqualTo(countBefore + 1);
        assertThat(api().get("/api/articles/art-1").body().get("likeCount").asLong()).isEqualTo(countBefore + 1);

        Api.Response unliked = unlike("art-1", "alice");

        assertThat(unliked.status()).as(unliked.raw().body()).isEqualTo(200);
        assertThat(unliked.body().get("liked").asBoolean()).isFalse();
        assertThat(unliked.body().get("likeCount").asLong()).isEqualTo(countBefore);
        assertThat(likeCount("art-1")).isEqualTo(countBefore);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE user_id = 'alice'")).isZero();
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE user_id = 'alice'")).isEqualTo(2);
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = 'alice' AND quota_day = ?", today()))
                .as("an unlike does not give the quota back").isEqualTo(1);
        String unlikeEvent = text(bankB, "SELECT event_id FROM like_action WHERE user_id = 'alice' AND action = 'UNLIKE'");
        JsonNode second = awaitEvent(unlikeEvent);
        assertThat(second.get("eventType").asText()).isEqualTo("unlike");
        assertThat(second.get("action").asText()).isEqualTo("UNLIKE");
        assertThat(second.get("likeCount").asLong()).isEqualTo(countBefore);
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE event_type = 'unlike' AND business_key = ?"
                + " AND schema_name = 'twophase.like.v1'", unlikeEvent)).isEqualTo(1);
        assertThat(preparedAnywhere()).isEmpty();
        awaitConsistent();
    }

    @Test
    void secondLikeOfTheSameArticleIsRefusedWith409AndChangesNothing() throws Exception {
        assertThat(like("art-2", "bob").status()).isEqualTo(201);
        awaitConsistent();
        Snapshot before = Snapshot.take();

        Api.Response again = like("art-2", "bob");

        assertRefused(again, 409, "/problems/already-liked");
        assertThat(again.body().get("detail").asText()).contains("bob").contains("art-2");
        assertNothingChanged(before);
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = 'bob' AND quota_day = ?", today()))
                .as("a refused like spends no quota").isEqualTo(1);
        awaitConsistent();
    }

    @Test
    void unlikeOfAnArticleNotLikedIsRefusedWith409AndChangesNothing() throws Exception {
        Snapshot before = Snapshot.take();

        Api.Response response = unlike("art-3", "carol");

        assertRefused(response, 409, "/problems/not-liked");
        assertNothingChanged(before);
        awaitConsistent();
    }

    @Test
    void unknownArticleIsRefusedWith404AndChangesNothing() throws Exception {
        Snapshot before = Snapshot.take();

        assertRefused(like("art-404", "dave"), 404, "/problems/unknown-article");
        assertRefused(unlike("art-404", "dave"), 404, "/problems/unknown-article");
        assertRefused(api().get("/api/articles/art-404"), 404, "/problems/unknown-article");
        assertRefused(like("x".repeat(33), "dave"), 404, "/problems/unknown-article");

        assertNothingChanged(before);
        assertThat(bankB.queryLong("SELECT COALESCE(SUM(used), 0) FROM like_quota WHERE user_id = 'dave'")).isZero();
        awaitConsistent();
    }

    @Test
    void likeBeyondTheDailyQuotaIsRefusedWith429AndAnUnlikeDoesNotGiveItBack() throws Exception {
        for (String article : List.of("art-1", "art-2", "art-3")) {
            assertThat(like(article, "erin").status()).isEqualTo(201);
        }
        awaitConsistent();
        Snapshot before = Snapshot.take();

        Api.Response fourth = like("art-4", "erin");

        assertRefused(fourth, 429, "/problems/like-quota-exhausted");
        LocalDate today = today();
        assertThat(fourth.body().get("detail").asText()).contains("all " + QUOTA + " likes")
                .contains(today.plusDays(1) + "T00:00:00Z");
        assertNothingChanged(before);
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = 'erin' AND quota_day = ?", today)).isEqualTo(QUOTA);
        assertRefused(like("art-1", "erin"), 409, "/problems/already-liked");
        assertRefused(like("art-404", "erin"), 404, "/problems/unknown-article");
        assertNothingChanged(before);

        assertThat(unlike("art-3", "erin").status()).isEqualTo(200);
        Api.Response afterUnlike = like("art-3", "erin");

        assertRefused(afterUnlike, 429, "/problems/like-quota-exhausted");
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE user_id = 'erin'")).isEqualTo(2);
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = 'erin' AND quota_day = ?", today)).isEqualTo(QUOTA);
        awaitConsistent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            user id with a space | /problems/invalid-request   | {"userId":"f rank"}
            user id too long     | /problems/invalid-request   | {"userId":"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"}
            empty user id        | /problems/invalid-request   | {"userId":""}
            missing user id      | /problems/invalid-request   | {}
            unknown field        | /problems/malformed-request | {"userId":"frank","weight":2}
            not JSON             | /problems/malformed-request | {"userId":
            """)
    void invalidLikeRequestIsRefusedWith400AndChangesNothing(String name, String type, String json) throws Exception {
        Snapshot before = Snapshot.take();

        assertRefused(api().post("/api/articles/art-1/likes", json), 400, type);

        assertNothingChanged(before);
    }

    @Test
    void invalidUserIdInTheUnlikePathIsRefusedWith400() throws Exception {
        Snapshot before = Snapshot.take();

        assertRefused(unlike("art-1", "g%20h"), 400, "/problems/invalid-request");
        assertRefused(unlike("art-1", "g".repeat(65)), 400, "/problems/invalid-request");

        assertNothingChanged(before);
    }

    @Test
    void failureAfterAllWorkRollsBackAllThreeParticipants() throws Exception {
        Snapshot before = Snapshot.take();
        TransactionTemplate outer = new TransactionTemplate(transactionManager);

        assertThatThrownBy(() -> outer.executeWithoutResult(status -> {
            LikeState state = likeService.like("art-5", "grace");
            // Bank B, bank A and the broker all hold this like's work by now; fail before the commit.
            assertThat(state.likeCount()).isEqualTo(before.count("art-5") + 1);
            throw new IllegalStateException("injected after all work");
        })).hasMessage("injected after all work");

        assertNothingChanged(before);
        assertThat(bankB.queryLong("SELECT COALESCE(SUM(used), 0) FROM like_quota WHERE user_id = 'grace'"))
                .as("the like's unit of quota rolled back with it").isZero();
        assertThat(preparedAnywhere()).isEmpty();
        awaitConsistent();
    }

    /**
     * Phase 2 commits bank B before bank A, so for a few milliseconds a like's row is visible in
     * bank B while its +1 in bank A is still being committed. An unlike in that window must wait
     * for the +1, not fail: PostgreSQL checks {@code like_count >= 0} on the version its snapshot
     * sees before waiting for the row's holder, so without the row lock taken first
     * (ArticleStore.addLikes) this unlike got a 503 (seen in LikeConcurrencyIT under load). The
     * delay makes the window 1.5 s wide; art-5 has no likes, so the count is 0 in it.
     */
    @Test
    void anUnlikeRightAfterALikeStillCommittingInBankAWaitsForItInsteadOfFailing() throws Exception {
        assertThat(likeCount("art-5")).as("the window only bites at a count of 0").isZero();
        assertThat(Api.as(port, "ops", "ops-secret-1").post("/admin/faults", "{\"rule\":\"bank-a:BEFORE_COMMIT:DELAY(1500ms):spans=bank-a+bank-b+broker\"}")
                .status()).isEqualTo(201);
        java.util.concurrent.ExecutorService client = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Api.Response> liking = client.submit(() -> like("art-5", "henry"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> bankB.queryLong(
                    "SELECT COUNT(*) FROM user_like WHERE user_id = 'henry' AND article_id = 'art-5'") == 1);
            assertThat(likeCount("art-5")).as("bank B has committed the like, bank A not yet").isZero();
            assertThat(liking).isNotDone();

            Api.Response unliked = unlike("art-5", "henry");

            assertThat(unliked.status()).as(unliked.raw().body()).isEqualTo(200);
            assertThat(liking.get().status()).isEqualTo(201);
            assertThat(likeCount("art-5")).isZero();
            assertThat(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE user_id = 'henry'")).isEqualTo(2);
        } finally {
            client.shutdownNow();
            Api.as(port, "ops", "ops-secret-1").delete("/admin/faults");
        }
    }

    @Test
    void listsEveryArticleWithItsCount() throws Exception {
        Api.Response response = api().get("/api/articles");

        assertThat(response.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.body().forEach(a -> ids.add(a.get("id").asText()));
        assertThat(ids).containsExactly("art-1", "art-2", "art-3", "art-4", "art-5");
        for (JsonNode article : response.body()) {
            assertThat(article.get("title").asText()).isNotBlank();
            assertThat(article.get("likeCount").asLong()).isEqualTo(likeCount(article.get("id").asText()));
        }
        assertThat(api().get("/api/articles/art-4").body().get("title").asText()).isEqualTo("XA on PostgreSQL");
    }

    private Api.Response like(String article, String user) {
        return api().post("/api/articles/" + article + "/likes", "{\"userId\":\"" + user + "\"}");
    }

    private Api.Response unlike(String article, String user) {
        return api().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/articles/" + article + "/likes/" + user))
                .DELETE().build());
    }

    private static void assertRefused(Api.Response response, int status, String type) {
        assertThat(response.status()).as(response.raw().body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("type").asText()).isEqualTo(type);
        assertThat(response.body().get("detail").asText()).isNotBlank();
    }

    /** Compares once the system is steadily consistent, so an event on its way would have shown. */
    private void assertNothingChanged(Snapshot before) {
        awaitConsistent();
        assertThat(Snapshot.take()).isEqualTo(before);
    }

    private static JsonNode awaitEvent(String eventId) throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(inboxCountFor(eventId)).isEqualTo(1));
        return JSON.readTree(text(bankA, "SELECT payload FROM inbox_event WHERE business_key = ?", eventId));
    }

    private static long likeCount(String article) {
        return bankA.queryLong("SELECT like_count FROM article WHERE id = ?", article);
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    private static String text(DatabaseProbe db, String sql, Object... args) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for " + sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Everything a like or unlike can change, on all three participants (the broker through the inbox). */
    record Snapshot(List<Long> counts, long likeRows, long actionRows, long quotaUsed, long likeEvents) {

        static Snapshot take() {
            List<Long> counts = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                counts.add(likeCount("art-" + i));
            }
            return new Snapshot(counts, rows(bankB, "user_like"), rows(bankB, "like_action"),
                    bankB.queryLong("SELECT COALESCE(SUM(used), 0) FROM like_quota"), inboxCount("like") + inboxCount("unlike"));
        }

        long count(String article) {
            return counts.get(Integer.parseInt(article.substring("art-".length())) - 1);
        }
    }
}
