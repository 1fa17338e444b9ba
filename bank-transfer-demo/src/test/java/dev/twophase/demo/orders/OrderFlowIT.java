package dev.twophase.demo.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;
import dev.twophase.testing.BrokerProbe;

/** The inventory flow on PostgreSQL + MariaDB/MySQL + Artemis: an order reaches all three, every refusal or failure none. */
class OrderFlowIT extends RealParticipantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    OrderService orderService;

    @Autowired
    PlatformTransactionManager transactionManager;

    Api api() {
        return new Api(port);
    }

    @ParameterizedTest
    @EnumSource(OrderStrategy.class)
    void orderTakesStockInBankAWritesTheOrderInBankBAndDeliversOneEvent(OrderStrategy strategy) throws Exception {
        long stockBefore = stock("SKU-MUG");
        long versionBefore = bankA.queryLong("SELECT version FROM product WHERE sku = 'SKU-MUG'");
        long ordersBefore = orders("SKU-MUG");

        Api.Response response = api().post("/api/orders", order("SKU-MUG", "3", "u-1", strategy.name()));

        assertThat(response.status()).as(response.raw().body()).isEqualTo(201);
        JsonNode body = response.body();
        String id = body.get("id").asText();
        assertThat(response.raw().headers().firstValue("Location")).hasValue("/api/orders/" + id);
        assertThat(body.get("sku").asText()).isEqualTo("SKU-MUG");
        assertThat(body.get("quantity").asInt()).isEqualTo(3);
        assertThat(body.get("userId").asText()).isEqualTo("u-1");
        assertThat(body.get("strategy").asText()).isEqualTo(strategy.name());
        assertThat(body.get("stockAfter").asLong()).isEqualTo(stockBefore - 3);
        assertThat(body.get("attempts").asInt()).isEqualTo(1);

        assertThat(stock("SKU-MUG")).isEqualTo(stockBefore - 3);
        assertThat(bankA.queryLong("SELECT version FROM product WHERE sku = 'SKU-MUG'")).isEqualTo(versionBefore + 1);
        assertThat(orders("SKU-MUG")).isEqualTo(ordersBefore + 1);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE id = ? AND sku = 'SKU-MUG' AND quantity = 3"
                + " AND user_id = 'u-1' AND strategy = ?", id, strategy.name())).isEqualTo(1);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(inboxCountFor(id)).isEqualTo(1));
        String eventId = text("SELECT event_id FROM inbox_event WHERE business_key = ?", id);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE id = ? AND event_id = ?", id, eventId)).isEqualTo(1);
        JsonNode event = JSON.readTree(text("SELECT payload FROM inbox_event WHERE business_key = ?"
                + " AND event_type = 'order' AND schema_name = 'twophase.order.v1'", id));
        assertThat(event.get("orderId").asText()).isEqualTo(id);
        assertThat(event.get("eventId").asText()).isEqualTo(eventId);
        assertThat(event.get("quantity").asInt()).isEqualTo(3);
        assertThat(event.get("strategy").asText()).isEqualTo(strategy.name());
        assertThat(event.get("stockAfter").asLong()).isEqualTo(stockBefore - 3);

        Api.Response read = api().get("/api/orders/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("quantity").asInt()).isEqualTo(3);
        assertThat(read.body().get("eventId").asText()).isEqualTo(eventId);
        Api.Response products = api().get("/api/products");
        assertThat(products.status()).as(products.raw().body()).isEqualTo(200);
        JsonNode mug = product(products.body(), "SKU-MUG");
        assertThat(mug.get("stock").asLong()).isEqualTo(stockBefore - 3);
        assertThat(mug.get("initialStock").asLong()).isEqualTo(100);
        assertThat(preparedAnywhere()).isEmpty();
        awaitConsistent();
    }

    @ParameterizedTest
    @EnumSource(OrderStrategy.class)
    void orderForMoreThanTheStockIsRefusedWith409AndChangesNothing(OrderStrategy strategy) throws Exception {
        long stockBefore = stock("SKU-SHIRT");
        long inboxBefore = inboxCount("order");

        Api.Response response = api().post("/api/orders", order("SKU-SHIRT", String.valueOf(stockBefore + 1), "u-2", strategy.name()));

        assertThat(response.status()).as(response.raw().body()).isEqualTo(409);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("type").asText()).isEqualTo("/problems/out-of-stock");
        assertThat(response.body().get("detail").asText()).contains(stockBefore + " left");
        assertNothingChanged("SKU-SHIRT", stockBefore, inboxBefore);
        awaitConsistent();
    }

    @ParameterizedTest
    @EnumSource(OrderStrategy.class)
    void orderForAnUnknownProductIsRefusedWith422(OrderStrategy strategy) throws Exception {
        long inboxBefore = inboxCount("order");

        Api.Response response = api().post("/api/orders", order("SKU-NOPE", "1", "u-3", strategy.name()));

        assertThat(response.status()).as(response.raw().body()).isEqualTo(422);
        assertThat(response.body().get("type").asText()).isEqualTo("/problems/unknown-product");
        assertThat(orders("SKU-NOPE")).isZero();
        awaitConsistent();
        assertThat(queuedOrders()).isZero();
        assertThat(inboxCount("order")).isEqualTo(inboxBefore);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            zero quantity        | /problems/invalid-request   | {"sku":"SKU-MUG","quantity":0,"userId":"u-4","strategy":"PESSIMISTIC"}
            negative quantity    | /problems/invalid-request   | {"sku":"SKU-MUG","quantity":-1,"userId":"u-4","strategy":"PESSIMISTIC"}
            too large quantity   | /problems/invalid-request   | {"sku":"SKU-MUG","quantity":1001,"userId":"u-4","strategy":"OPTIMISTIC"}
            fractional quantity  | /problems/malformed-request | {"sku":"SKU-MUG","quantity":1.5,"userId":"u-4","strategy":"OPTIMISTIC"}
            quantity as string   | /problems/malformed-request | {"sku":"SKU-MUG","quantity":"2","userId":"u-4","strategy":"OPTIMISTIC"}
            missing quantity     | /problems/invalid-request   | {"sku":"SKU-MUG","userId":"u-4","strategy":"OPTIMISTIC"}
            unknown strategy     | /problems/malformed-request | {"sku":"SKU-MUG","quantity":1,"userId":"u-4","strategy":"OPTIMISTICALLY"}
            missing strategy     | /problems/invalid-request   | {"sku":"SKU-MUG","quantity":1,"userId":"u-4"}
            user id with a space | /problems/invalid-request   | {"sku":"SKU-MUG","quantity":1,"userId":"u 4","strategy":"PESSIMISTIC"}
            missing sku          | /problems/invalid-request   | {"quantity":1,"userId":"u-4","strategy":"PESSIMISTIC"}
            not JSON             | /problems/malformed-request | {"sku":"SKU-MUG",
            """)
    void invalidOrderRequestIsRefusedWith400AndChangesNothing(String name, String type, String json) throws Exception {
        long stockBefore = stock("SKU-MUG");
        long inboxBefore = inboxCount("order");

        Api.Response response = api().post("/api/orders", json);

        assertThat(response.status()).as(response.raw().body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("type").asText()).isEqualTo(type);
        assertNothingChanged("SKU-MUG", stockBefore, inboxBefore);
        awaitConsistent();
    }

    @Test
    void unknownOrderIdIsAnswered404() {
        Api.Response response = api().get("/api/orders/no-such-order");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body().get("type").asText()).isEqualTo("/problems/not-found");
        awaitConsistent();
    }

    @ParameterizedTest
    @EnumSource(OrderStrategy.class)
    void exceptionAfterAllWorkRollsBackAllThreeParticipants(OrderStrategy strategy) throws Exception {
        long stockBefore = stock("SKU-STICKER");
        long versionBefore = bankA.queryLong("SELECT version FROM product WHERE sku = 'SKU-STICKER'");
        long inboxBefore = inboxCount("order");
        TransactionTemplate outer = new TransactionTemplate(transactionManager);

        assertThatThrownBy(() -> outer.executeWithoutResult(status -> {
            orderService.order(new OrderRequest("SKU-STICKER", 7, "u-5", strategy));
            // Stock taken, order row written, event sent by now: fail before the commit.
            throw new IllegalStateException("injected");
        })).hasMessage("injected");

        assertThat(bankA.queryLong("SELECT version FROM product WHERE sku = 'SKU-STICKER'")).isEqualTo(versionBefore);
        assertNothingChanged("SKU-STICKER", stockBefore, inboxBefore);
        assertThat(preparedAnywhere()).isEmpty();
        awaitConsistent();
    }

    private void assertNothingChanged(String sku, long stockBefore, long inboxBefore) throws Exception {
        assertThat(stock(sku)).isEqualTo(stockBefore);
        assertThat(orders(sku)).isZero();
        // Nothing may be on its way to the inbox either: steadily consistent, nothing queued, no new order event.
        awaitConsistent();
        assertThat(queuedOrders()).isZero();
        assertThat(inboxCount("order")).isEqualTo(inboxBefore);
        assertThat(preparedAnywhere()).isEmpty();
    }

    /** One text value from bank A. */
    private static String text(String sql, Object... args) throws Exception {
        try (Connection c = bankA.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("a row for " + sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static long stock(String sku) {
        return bankA.queryLong("SELECT stock FROM product WHERE sku = ?", sku);
    }

    private static long orders(String sku) {
        return bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE sku = ?", sku);
    }

    private static int queuedOrders() throws Exception {
        try (BrokerProbe probe = brokerProbe()) {
            return probe.messageCount("orders");
        }
    }

    private static JsonNode product(JsonNode products, String sku) {
        for (JsonNode p : products) {
            if (p.get("sku").asText().equals(sku)) {
                return p;
            }
        }
        throw new AssertionError("no product " + sku + " in " + products);
    }

    static String order(String sku, String quantity, String userId, String strategy) {
        return "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + ",\"userId\":\"" + userId + "\",\"strategy\":\"" + strategy + "\"}";
    }
}
