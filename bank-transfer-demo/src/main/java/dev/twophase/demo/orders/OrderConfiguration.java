package dev.twophase.demo.orders;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.tx.DeadlockRetry;
import dev.twophase.demo.tx.FlowTransactions;

/** Wires the inventory flow: products in bank A, orders in bank B, events on the broker. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrderProperties.class)
class OrderConfiguration {

    /** Metric: optimistic order attempts that lost a version race and were retried. */
    static final String OPTIMISTIC_RETRIES = "twophase.orders.optimistic.retries";
    /** Metric: order transactions run again after losing a deadlock or lock wait. */
    static final String LOCK_RETRIES = "twophase.orders.lock.retries";

    @Bean
    OrderService orderService(@Qualifier("bank-a") JdbcTemplate bankA, @Qualifier("bank-b") JdbcTemplate bankB, EventPublisher events,
            PlatformTransactionManager transactionManager, OrderProperties properties, MeterRegistry meters,
            ObjectProvider<XaTimeline> timeline) {
        Counter retries = Counter.builder(OPTIMISTIC_RETRIES)
                .description("Optimistic order attempts that lost a version race and were retried in a new transaction")
                .register(meters);
        Counter lockRetries = Counter.builder(LOCK_RETRIES)
                .description("Order transactions run again after losing a deadlock or lock wait")
                .register(meters);
        return new OrderService(new ProductStock(bankA), new OrderBook(bankB),
                new OrderEvents(events), new FlowTransactions(transactionManager, OrderService.EXPECTED,
                        FlowTransactions.retryCounter(meters, "order")).labelled(timeline.getIfAvailable(), "order"), properties, retries,
                new DeadlockRetry(3, Duration.ofMillis(20), lockRetries::increment));
    }
}
