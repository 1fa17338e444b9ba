package dev.twophase.demo.orders;

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
 * The order as a Saga, a TCC and through the outbox, on the real PostgreSQL (bank A: stock and log),
 * MariaDB (bank B: orders) and Artemis: stock, order rows, held stock, the log and the inbox when an
 * order commits and when it is refused; XA orders respecting TCC holds; and the recovery timer
 * finishing what a crash left in each state (written as a crash leaves it; the fault-injection suite
 * makes the crashes). The base class checks every invariant after each test.
 */
@TestPropertySource(properties = { "twophase.patterns.recovery-interval=200ms", "twophase.patterns.stale-after=1s",
        "twophase.patterns.timeout=3s", "twophase.likes.daily-quota=3" })
class PatternOrderIT extends RealParticipantsTest {

    private static final String SKU = "SKU-STICKER";

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(strings = { "saga", "tcc", "outbox" })
    void anOrderInEachModeTakesTheStockOnceWritesOneOrderRowAndOneEvent(String mode) {
        long stock = stock(SKU);
        long version = bankA.queryLong("SELECT version FROM product WHERE sku = ?", SKU);

        Api.Response r = order(mode, SKU, 2, "OPTIMISTIC");

        assertThat(r.status()).as(r.body().toString()).isEqualTo(mode.equals("outbox") ? 202 : 201);
        assertThat(r.body().get("mode").asText()).isEqualTo(mode.toUpperCase());
        String id = r.body().get("id").asText();
        assertThat(r.raw().headers().firstValue("Location")).hasValue("/api/orders/" + id);
        awaitConsistent();
        assertThat(stock(SKU)).isEqualTo(stock - 2);
        assertThat(bankA.queryLong("SELECT version FROM product WHERE sku = ?", SKU)).as("an optimistic XA order sees the change")
                .isGreaterThan(version);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE id = ? AND sku = ? AND quantity = 2 AND strategy = 'OPTIMISTIC'",
                id, SKU)).isOne();
        assertThat(inboxCountFor(id)).as("the order event, consumed once").isOne();
        assertThat(bankA.queryString("SELECT state FROM pattern_tx WHERE gid = '" + id + "'")).isEqualTo("DONE");
        assertThat(new Api(port).get("/api/orders/" + id).body().get("state").asText()).isEqualTo("DONE");
        assertThat(bankA.queryLong("SELECT SUM(held_stock) FROM product")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { "saga", "tcc", "outbox" })
    void anOrderForMoreThanTheStockOrAnUnknownProductIsRefusedAndChangesNothing(String mode) {
        long stock = stock("SKU-LIMITED");
        long orders = rows(bankB, "purchase_order");
        long outbox = rows(bankA, "outbox_event");

        Api.Response tooMany = order(mode, "SKU-LIMITED", (int) stock + 1, "PESSIMISTIC");
        Api.Response unknown = order(mode, "SKU-NOPE", 1, "PESSIMISTIC");

        assertThat(tooMany.status()).isEqualTo(409);
        assertThat(tooMany.body().get("type").asText()).isEqualTo("/problems/out-of-stock");
        assertThat(tooMany.body().get("detail").asText()).contains("SKU-LIMITED").doesNotContain("Exception").doesNotContain("UPDATE");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().get("type").asText()).isEqualTo("/problems/unknown-product");
        assertThat(stock("SKU-LIMITED")).isEqualTo(stock);
        assertThat(rows(bankB, "purchase_order")).isEqualTo(orders);
        assertThat(rows(bankA, "outbox_event")).as("no event for a refused order").isEqualTo(outbox);
        assertThat(bankA.queryLong("SELECT SUM(held_stock) FROM product")).isZero();
        if (!mode.equals("outbox")) {
            // Saga and TCC log first, then end the refused order REJECTED or CANCELLED; a refused outbox order logs nothing.
            assertThat(bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE flow = 'order' AND sku = 'SKU-NOPE' AND mode = ?"
                    + " AND state IN ('REJECTED', 'CANCELLED')", mode.toUpperCase())).isOne();
        } else {
            assertThat(bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE flow = 'order' AND sku = 'SKU-NOPE' AND mode = 'OUTBOX'")).isZero();
        }
    }

    @Test
    void aWrongModeIsRefusedWith400() {
        long orders = rows(bankB, "purchase_order");
        Api.Response r = new Api(port).post("/api/orders",
                "{\"sku\":\"" + SKU + "\",\"quantity\":1,\"userId\":\"u-1\",\"strategy\":\"PESSIMISTIC\",\"mode\":\"2pc\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("type").asText()).isEqualTo("/problems/invalid-mode");
        assertThat(r.body().get("detail").asText()).contains("xa, saga, tcc, outbox");
        assertThat(rows(bankB, "purchase_order")).isEqualTo(orders);
    }

    @Test
    void stockHeldByATccTryIsNotForSaleToAnXaOrder() {
        long stock = stock("SKU-SHIRT");
        assertThat(stock).as("the test needs some stock left").isPositive();
        String gid = UUID.randomUUID().toString();
        // A TCC try that holds all that is left, and is still live (its log touched "in a minute": recovery leaves it alone).
        bankA.execute("UPDATE product SET held_stock = held_stock + " + stock + ", version = version + 1 WHERE sku = 'SKU-SHIRT'");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + gid + "', 'stock', 'try')");
        logRow(gid, "TCC", "TRYING", "SKU-SHIRT", (int) stock, -60_000, 60_000);

        Api.Response pessimistic = new Api(port).post("/api/orders", OrderFlowIT.order("SKU-SHIRT", "1", "u-9", "PESSIMISTIC"));
        Api.Response optimistic = new Api(port).post("/api/orders", OrderFlowIT.order("SKU-SHIRT", "1", "u-9", "OPTIMISTIC"));

        assertThat(pessimistic.status()).isEqualTo(409);
        assertThat(optimistic.status()).isEqualTo(409);
        assertThat(pessimistic.body().get("detail").asText()).contains("has 0 left");
        // Then recovery (it is left TRYING, unchanged) cancels it: presumed abort releases the hold.
        bankA.execute("UPDATE pattern_tx SET updated_ms = updated_ms - 120000 WHERE gid = '" + gid + "'");
        awaitState(gid, "CANCELLED");
        assertThat(bankA.queryLong("SELECT held_stock FROM product WHERE sku = 'SKU-SHIRT'")).isZero();
        assertThat(stock("SKU-SHIRT")).isEqualTo(stock);
    }

    @Test
    void recoveryFinishesASagaLeftAfterItsTakeAndCompensatesOneLeftStartedPastItsTimeout() {
        long stock = stock(SKU);
        // Crashed after the take's local commit (stock, barrier row and exposure in one transaction), before TAKEN.
        String taken = UUID.randomUUID().toString();
        bankA.execute("UPDATE product SET stock = stock - 3, version = version + 1 WHERE sku = '" + SKU + "'");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + taken + "', 'stock', 'action')");
        logRow(taken, "SAGA", "STARTED", SKU, 3, 60_000, 60_000);
        // Crashed before its take, and stayed down past its timeout: a null compensation.
        String timedOut = logRow(UUID.randomUUID().toString(), "SAGA", "STARTED", SKU, 4, 60_000, -1);
        // Took its stock, then its timeout passed while still STARTED: the compensation puts the stock back.
        String late = UUID.randomUUID().toString();
        bankA.execute("UPDATE product SET stock = stock - 5, version = version + 1 WHERE sku = '" + SKU + "'");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + late + "', 'stock', 'action')");
        logRow(late, "SAGA", "STARTED", SKU, 5, 60_000, -1);

        awaitState(taken, "DONE");
        awaitState(timedOut, "COMPENSATED");
        awaitState(late, "COMPENSATED");
        awaitConsistent();
        assertThat(stock(SKU)).as("only the finished order's 3 are gone").isEqualTo(stock - 3);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE id IN (?, ?, ?)", taken, timedOut, late)).isOne();
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM branch_barrier WHERE gid = ? AND op = 'action'", timedOut))
                .as("the null compensation blocks a late take").isOne();
    }

    @Test
    void recoveryConfirmsATccLeftConfirmingAndFinishesAnOutboxOrderWhoseCreateEventWasLost() {
        long stock = stock(SKU);
        String confirming = UUID.randomUUID().toString();
        bankA.execute("UPDATE product SET held_stock = held_stock + 6, version = version + 1 WHERE sku = '" + SKU + "'");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + confirming + "', 'stock', 'try')");
        bankB.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + confirming + "', 'order', 'try')");
        logRow(confirming, "TCC", "CONFIRMING", SKU, 6, 60_000, 60_000);
        // Stock taken and the create event published long ago, but it never produced the order row (dead-letter queue).
        String lost = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        String createId = UUID.nameUUIDFromBytes(("order-create:" + lost).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        long createdMs = System.currentTimeMillis() - 60_000;
        bankA.execute("UPDATE product SET stock = stock - 7, version = version + 1 WHERE sku = '" + SKU + "'");
        bankA.execute("INSERT INTO outbox_event (event_id, destination, event_type, business_key, payload, published_at) VALUES ('"
                + createId + "', 'order-creates', 'order-create', '" + lost + "', '{\"schema\":\"twophase.order-create.v1\",\"eventId\":\""
                + createId + "\",\"eventType\":\"order-create\",\"businessKey\":\"" + lost + "\",\"orderId\":\"" + lost
                + "\",\"orderEventId\":\"" + eventId + "\",\"sku\":\"" + SKU + "\",\"quantity\":7,\"userId\":\"u-7\",\"strategy\":\"PESSIMISTIC\","
                + "\"createdMs\":" + createdMs + "}', CURRENT_TIMESTAMP)");
        bankA.execute("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, sku, quantity, user_id,"
                + " order_strategy, event_id, created_ms, updated_ms, deadline_ms, exposed_ms) VALUES ('" + lost + "', 'OUTBOX', 'order', 'SENT', '"
                + lost + "', '-', '" + SKU + "', 7, 'u-7', 'PESSIMISTIC', '" + eventId + "', " + createdMs + ", " + createdMs + ", "
                + (createdMs + 3000) + ", " + createdMs + ")");

        awaitState(confirming, "DONE");
        awaitState(lost, "DONE");
        awaitConsistent();
        assertThat(stock(SKU)).isEqualTo(stock - 13);
        assertThat(bankA.queryLong("SELECT held_stock FROM product WHERE sku = ?", SKU)).isZero();
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE id IN (?, ?)", confirming, lost)).isEqualTo(2);
        assertThat(inboxCountFor(lost)).isOne();
    }

    @Test
    void concurrentOrdersInEveryModeOnOneProductStayConsistentAndTheirHeldStockIsMeasured() throws Exception {
        long stock = stock(SKU);
        int tccExposedBefore = exposed(awaitConsistent(), "tcc");
        List<String> modes = List.of("xa", "saga", "tcc", "outbox");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String mode = modes.get(i % modes.size());
                String strategy = i % 8 < 4 ? "PESSIMISTIC" : "OPTIMISTIC";
                results.add(pool.submit(() -> order(mode, SKU, 1, strategy).status()));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isIn(201, 202);
            }
        } finally {
            pool.shutdown();
        }
        ConsistencyReport report = awaitConsistent(Duration.ofSeconds(30));
        assertThat(stock(SKU)).isEqualTo(stock - 40);
        assertThat(exposed(report, "tcc") - tccExposedBefore).as("every TCC order held its stock before its order row").isEqualTo(10);
    }

    private Api.Response order(String mode, String sku, int quantity, String strategy) {
        return new Api(port).post("/api/orders", "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + ",\"userId\":\"u-p\",\"strategy\":\""
                + strategy + "\",\"mode\":\"" + mode + "\"}");
    }

    @SuppressWarnings("unchecked")
    private static int exposed(ConsistencyReport report, String mode) {
        Map<String, Object> orders = (Map<String, Object>) report.invariant("intermediate-states").figures().get("orders");
        return ((Number) ((Map<String, Object>) orders.get(mode)).get("exposed")).intValue();
    }

    private static long stock(String sku) {
        return bankA.queryLong("SELECT stock FROM product WHERE sku = ?", sku);
    }

    /** An order's log row in bank A as a crash leaves it: unchanged for {@code ageMs}, its timeout {@code deadlineFromNowMs} away. */
    private static String logRow(String gid, String mode, String state, String sku, int quantity, long ageMs, long deadlineFromNowMs) {
        long now = System.currentTimeMillis();
        bankA.execute("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, sku, quantity, user_id,"
                + " order_strategy, event_id, created_ms, updated_ms, deadline_ms) VALUES ('" + gid + "', '" + mode + "', 'order', '"
                + state + "', '" + gid + "', '-', '" + sku + "', " + quantity + ", 'u-crash', 'PESSIMISTIC', '" + UUID.randomUUID() + "', "
                + (now - ageMs) + ", " + (now - ageMs) + ", " + (now + deadlineFromNowMs) + ")");
        return gid;
    }

    private static void awaitState(String gid, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(bankA.queryString("SELECT state FROM pattern_tx WHERE gid = '" + gid + "'")).isEqualTo(state));
    }
}
