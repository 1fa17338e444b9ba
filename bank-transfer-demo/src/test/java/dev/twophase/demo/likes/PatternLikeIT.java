package dev.twophase.demo.likes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.twophase.demo.consistency.ConsistencyReport;
import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * The like as a Saga, a TCC and through the outbox, on the real PostgreSQL (bank A: the counts),
 * MariaDB (bank B: likes, records, quotas) and Artemis: what each mode leaves when a like commits and
 * when it is refused (already liked, quota, unknown article), the Saga's compensation of its count,
 * and recovery of crash states written as a crash leaves them. The base class checks every invariant
 * (likes-match among them) after each test.
 */
@TestPropertySource(properties = { "twophase.patterns.recovery-interval=200ms", "twophase.patterns.stale-after=1s",
        "twophase.patterns.timeout=3s", "twophase.likes.daily-quota=3" })
class PatternLikeIT extends RealParticipantsTest {

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(strings = { "saga", "tcc", "outbox" })
    void aLikeInEachModeCountsOnceRecordsOnceAndPublishesOneEvent(String mode) {
        String user = user();
        long count = count("art-1");

        Api.Response r = like(mode, "art-1", user);

        assertThat(r.status()).as(r.body().toString()).isEqualTo(mode.equals("outbox") ? 202 : 201);
        assertThat(r.body().get("mode").asText()).isEqualTo(mode.toUpperCase());
        String id = r.body().get("id").asText();
        String eventId = r.body().get("eventId").asText();
        awaitConsistent();
        assertThat(count("art-1")).isEqualTo(count + 1);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE user_id = ? AND article_id = 'art-1'", user)).isOne();
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE event_id = ? AND action = 'LIKE'", eventId)).isOne();
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = ?", user)).isOne();
        assertThat(inboxCountFor(eventId)).as("the like event, consumed once").isOne();
        assertThat(new Api(port).get(r.raw().headers().firstValue("Location").orElseThrow()).body().get("state").asText()).isEqualTo("DONE");
        // Unlikes stay XA, and undo a pattern's like as any other.
        assertThat(new Api(port).delete("/api/articles/art-1/likes/" + user).status()).isEqualTo(200);
        awaitConsistent();
        assertThat(count("art-1")).isEqualTo(count);
    }

    @Test
    void aSagaWhoseRecordIsRefusedTakesItsCountBack() {
        String user = user();
        assertThat(like("xa", "art-2", user).status()).isEqualTo(201);
        long count = count("art-2");

        Api.Response again = like("saga", "art-2", user);

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("type").asText()).isEqualTo("/problems/already-liked");
        assertThat(again.body().get("detail").asText()).contains("taken back").doesNotContain("Exception");
        assertThat(count("art-2")).isEqualTo(count);
        String gid = bankA.queryString("SELECT gid FROM pattern_tx WHERE flow = 'like' AND user_id = '" + user + "' AND mode = 'SAGA'");
        assertThat(bankA.queryString("SELECT state FROM pattern_tx WHERE gid = '" + gid + "'")).isEqualTo("COMPENSATED");
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM branch_barrier WHERE gid = ? AND branch_id = 'count' AND op IN ('action', 'compensate')", gid))
                .as("counted, then taken back").isEqualTo(2);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM branch_barrier WHERE gid = ? AND branch_id = 'record' AND op IN ('action', 'compensate')", gid))
                .as("the record's null compensation: a late record is blocked").isEqualTo(2);
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = ?", user)).as("only the XA like's unit").isOne();
    }

    @ParameterizedTest
    @ValueSource(strings = { "saga", "tcc", "outbox" })
    void refusalsChangeNothingTheyShouldNot(String mode) {
        String user = user();
        for (String article : List.of("art-3", "art-4", "art-5")) {
            assertThat(like(mode, article, user).status()).isIn(201, 202);
        }
        awaitConsistent();
        long counts = count("art-1") + count("art-2");

        Api.Response overQuota = like(mode, "art-1", user);
        Api.Response unknown = like(mode, "art-nope", user());

        assertThat(overQuota.status()).isEqualTo(429);
        assertThat(overQuota.body().get("type").asText()).isEqualTo("/problems/like-quota-exhausted");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("type").asText()).isEqualTo("/problems/unknown-article");
        awaitConsistent();
        assertThat(count("art-1") + count("art-2")).isEqualTo(counts);
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = ?", user)).as("the three likes' units, no more").isEqualTo(3);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE user_id = ?", user)).isEqualTo(3);
    }

    @Test
    void aWrongModeIsRefusedWith400() {
        Api.Response r = new Api(port).post("/api/articles/art-1/likes", "{\"userId\":\"" + user() + "\",\"mode\":\"2pc\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("type").asText()).isEqualTo("/problems/invalid-mode");
    }

    @Test
    void recoveryFinishesASagaLeftCountedCancelsATccLeftTryingAndCountsAnOutboxLikeWhoseEventWasLost() {
        long count1 = count("art-1");
        long count2 = count("art-2");
        long count3 = count("art-3");
        // Saga: crashed after its count's local commit (count, barrier row and exposure in one transaction), before COUNTED.
        String counted = UUID.randomUUID().toString();
        String sagaUser = user();
        bankA.execute("UPDATE article SET like_count = like_count + 1 WHERE id = 'art-1'");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + counted + "', 'count', 'action')");
        logRow(bankA, counted, "SAGA", "STARTED", "art-1", sagaUser, UUID.randomUUID().toString(), 60_000);
        // TCC: crashed after its record try (like row and quota unit reserved), still TRYING.
        String trying = UUID.randomUUID().toString();
        String tccUser = user();
        bankB.execute("INSERT INTO like_quota (user_id, quota_day, used) VALUES ('" + tccUser + "', CURRENT_DATE, 1)");
        bankB.execute("INSERT INTO user_like (user_id, article_id) VALUES ('" + tccUser + "', 'art-2')");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + trying + "', 'count', 'try')");
        bankB.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + trying + "', 'record', 'try')");
        logRow(bankA, trying, "TCC", "TRYING", "art-2", tccUser, UUID.randomUUID().toString(), 60_000);
        // Outbox: recorded and its count event published long ago, but never counted (it went to the dead-letter queue).
        String lost = UUID.randomUUID().toString();
        String outboxUser = user();
        String eventId = UUID.randomUUID().toString();
        String countId = UUID.nameUUIDFromBytes(("like-count:" + lost).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        long createdMs = System.currentTimeMillis() - 60_000;
        bankB.execute("INSERT INTO like_quota (user_id, quota_day, used) VALUES ('" + outboxUser + "', CURRENT_DATE, 1)");
        bankB.execute("INSERT INTO user_like (user_id, article_id) VALUES ('" + outboxUser + "', 'art-3')");
        bankB.execute("INSERT INTO like_action (event_id, user_id, article_id, action) VALUES ('" + eventId + "', '" + outboxUser + "', 'art-3', 'LIKE')");
        bankB.execute("INSERT INTO outbox_event (event_id, destination, event_type, business_key, payload, published_at) VALUES ('"
                + countId + "', 'like-counts', 'like-count', '" + lost + "', '{\"schema\":\"twophase.like-count.v1\",\"eventId\":\""
                + countId + "\",\"eventType\":\"like-count\",\"businessKey\":\"" + lost + "\",\"likeId\":\"" + lost
                + "\",\"likeEventId\":\"" + eventId + "\",\"articleId\":\"art-3\",\"userId\":\"" + outboxUser + "\",\"createdMs\":"
                + createdMs + "}', CURRENT_TIMESTAMP)");
        bankB.execute("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, article_id, user_id, event_id,"
                + " created_ms, updated_ms, deadline_ms, exposed_ms) VALUES ('" + lost + "', 'OUTBOX', 'like', 'SENT', '" + lost + "', '-',"
                + " 'art-3', '" + outboxUser + "', '" + eventId + "', " + createdMs + ", " + createdMs + ", " + (createdMs + 3000) + ", "
                + createdMs + ")");

        awaitState(bankA, counted, "DONE");
        awaitState(bankA, trying, "CANCELLED");
        awaitState(bankB, lost, "DONE");
        awaitConsistent();
        assertThat(count("art-1")).isEqualTo(count1 + 1);
        assertThat(count("art-2")).as("cancelled: never counted").isEqualTo(count2);
        assertThat(count("art-3")).isEqualTo(count3 + 1);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE user_id = ?", tccUser)).as("the reserved like row, released").isZero();
        assertThat(bankB.queryLong("SELECT used FROM like_quota WHERE user_id = ?", tccUser)).as("and its quota unit").isZero();
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE user_id = ? AND article_id = 'art-1'", sagaUser)).isOne();
        assertThat(inboxCountFor(eventId)).isOne();
    }

    @Test
    void concurrentLikesInEveryModeStayConsistentAndTheSagasExposeTheirCounts() throws Exception {
        int sagasBefore = exposed(awaitConsistent(), "saga");
        List<String> modes = List.of("xa", "saga", "tcc", "outbox");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        String[] users = { user(), user(), user(), user(), user(), user(), user(), user() };
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String mode = modes.get(i % modes.size());
                // 8 users x 5 articles, each pair once; two different modes may race on one user's quota row.
                String user = users[i % users.length];
                String article = "art-" + (1 + i / users.length);
                results.add(pool.submit(() -> like(mode, article, user).status()));
            }
            int refused = 0;
            for (Future<Integer> f : results) {
                int status = f.get();
                assertThat(status).isIn(201, 202, 429);
                refused += status == 429 ? 1 : 0;
            }
            assertThat(refused).as("3 likes per user and day: 5 tries each, 2 refused").isEqualTo(16);
        } finally {
            pool.shutdown();
        }
        ConsistencyReport report = awaitConsistent(Duration.ofSeconds(30));
        // All 10 Saga likes count before their record (the article exists), whether their record then commits or is
        // refused for the quota and compensated: each one showed its count alone to a reader.
        assertThat(exposed(report, "saga") - sagasBefore).as("every saga like showed its count before its record").isEqualTo(10);
    }

    private Api.Response like(String mode, String article, String user) {
        String body = mode.equals("xa") ? "{\"userId\":\"" + user + "\"}" : "{\"userId\":\"" + user + "\",\"mode\":\"" + mode + "\"}";
        return new Api(port).post("/api/articles/" + article + "/likes", body);
    }

    @SuppressWarnings("unchecked")
    private static int exposed(ConsistencyReport report, String mode) {
        Map<String, Object> likes = (Map<String, Object>) report.invariant("intermediate-states").figures().get("likes");
        return ((Number) ((Map<String, Object>) likes.get(mode)).get("exposed")).intValue();
    }

    private static long count(String article) {
        return bankA.queryLong("SELECT like_count FROM article WHERE id = ?", article);
    }

    private static String user() {
        return "pl-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void logRow(dev.twophase.testing.DatabaseProbe bank, String gid, String mode, String state, String article, String user,
            String eventId, long ageMs) {
        long now = System.currentTimeMillis();
        bank.execute("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, article_id, user_id, event_id,"
                + " created_ms, updated_ms, deadline_ms) VALUES ('" + gid + "', '" + mode + "', 'like', '" + state + "', '" + gid + "', '-', '"
                + article + "', '" + user + "', '" + eventId + "', " + (now - ageMs) + ", " + (now - ageMs) + ", " + (now + 60_000) + ")");
    }

    private static void awaitState(dev.twophase.testing.DatabaseProbe bank, String gid, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(bank.queryString("SELECT state FROM pattern_tx WHERE gid = '" + gid + "'")).isEqualTo(state));
    }
}
