package dev.twophase.demo.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;
import io.micrometer.core.instrument.MeterRegistry;

/** 50 buyers race for 10 items under each strategy: exactly 10 sold, 40 cleanly refused, no oversell. */
class OrderRaceIT extends RealParticipantsTest {

    private static final int BUYERS = 50;
    private static final int STOCK = 10;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @ParameterizedTest
    @EnumSource(OrderStrategy.class)
    void fiftyConcurrentBuyersOfTenItemsGetExactlyTenOrdersAndFortyOutOfStockAnswers(OrderStrategy strategy) throws Exception {
        String sku = productWithStockTen(strategy);
        double retriesBefore = optimisticRetries();
        Api api = new Api(port);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(BUYERS);
        List<Api.Response> answers;
        long began;
        try {
            List<Future<Api.Response>> pending = new ArrayList<>();
            for (int i = 0; i < BUYERS; i++) {
                String body = OrderFlowIT.order(sku, "1", "buyer-" + i, strategy.name());
                pending.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/orders", body);
                }));
            }
            began = System.nanoTime();
            start.countDown();
            answers = new ArrayList<>();
            for (Future<Api.Response> f : pending) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - began) / 1e9;

        List<Api.Response> sold = answers.stream().filter(r -> r.status() == 201).toList();
        List<Api.Response> refused = answers.stream()
                .filter(r -> r.status() == 409 && r.body().get("type").asText().equals("/problems/out-of-stock")).toList();
        List<String> others = answers.stream().filter(r -> !sold.contains(r) && !refused.contains(r))
                .map(r -> r.status() + " " + r.raw().body()).toList();
        assertThat(others).as("answers other than 201 and 409 out-of-stock").isEmpty();
        assertThat(sold).hasSize(STOCK);
        assertThat(refused).hasSize(BUYERS - STOCK);
        // Each sale saw a different stock: 9, 8, ... 0. A second sale from the same stock would be an oversell.
        assertThat(sold.stream().map(r -> r.body().get("stockAfter").asInt()).sorted().toList())
                .isEqualTo(IntStream.range(0, STOCK).boxed().toList());

        assertThat(bankA.queryLong("SELECT stock FROM product WHERE sku = ?", sku)).isZero();
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE sku = ?", sku)).isEqualTo(STOCK);
        assertThat(bankB.queryLong("SELECT COALESCE(SUM(quantity), 0) FROM purchase_order WHERE sku = ?", sku)).isEqualTo(STOCK);
        List<Object> ids = sold.stream().map(r -> (Object) r.body().get("id").asText()).toList();
        String marks = String.join(",", Collections.nCopies(ids.size(), "?"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bankA.queryLong(
                "SELECT COUNT(*) FROM inbox_event WHERE event_type = 'order' AND business_key IN (" + marks + ")", ids.toArray()))
                .isEqualTo(STOCK));
        assertThat(preparedAnywhere()).isEmpty();

        long retries = Math.round(optimisticRetries() - retriesBefore);
        long extraAttempts = sold.stream().mapToLong(r -> r.body().get("attempts").asInt() - 1).sum();
        if (strategy == OrderStrategy.PESSIMISTIC) {
            assertThat(retries).isZero();
            assertThat(extraAttempts).isZero();
        } else {
            // The counter also counts the retries of buyers that were finally refused as out of stock.
            assertThat(retries).isGreaterThanOrEqualTo(extraAttempts);
        }
        System.out.printf("[twophase figures] orders %s: sold=%d refused=%d retries=%d seconds=%.2f%n", strategy, sold.size(),
                refused.size(), retries, seconds);
        awaitConsistent();
    }

    /** SKU-LIMITED while nothing was ordered of it yet, otherwise a fresh product of this test. */
    private static String productWithStockTen(OrderStrategy strategy) {
        if (bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE sku = 'SKU-LIMITED'") == 0) {
            bankA.execute("UPDATE product SET stock = 10, initial_stock = 10, version = 0 WHERE sku = 'SKU-LIMITED'");
            return "SKU-LIMITED";
        }
        String sku = "SKU-RACE-" + strategy.name().substring(0, 3);
        bankA.execute("INSERT INTO product (sku, name, stock, initial_stock) VALUES ('" + sku + "', 'race', 10, 10)");
        return sku;
    }

    private double optimisticRetries() {
        return meters.counter(OrderConfiguration.OPTIMISTIC_RETRIES).count();
    }
}
