package dev.twophase.demo.likes;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.tx.DeadlockRetry;
import dev.twophase.demo.tx.FlowTransactions;

/**
 * Wires the like flow onto the participants: articles in bank A, likes and quotas in bank B,
 * events on the broker.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LikeProperties.class)
class LikeConfiguration {

    /** Retries after a deadlock, on top of the first attempt. */
    static final int DEADLOCK_RETRIES = 3;
    static final Duration DEADLOCK_BACKOFF = Duration.ofMillis(20);
    static final String RETRIES_METRIC = "twophase.likes.deadlock.retries";

    @Bean
    LikeService likeService(@Qualifier("bank-a") JdbcTemplate bankA, @Qualifier("bank-b") JdbcTemplate bankB, EventPublisher events,
            PlatformTransactionManager transactionManager, LikeProperties properties, ObjectProvider<Clock> clock,
            ObjectProvider<MeterRegistry> meters, ObjectProvider<XaTimeline> timeline) {
        MeterRegistry registry = meters.getIfAvailable();
        Runnable onRetry = registry == null ? () -> { } : Counter.builder(RETRIES_METRIC)
                .description("Like and unlike transactions run again after a deadlock")
                .register(registry)::increment;
        return new LikeService(new LikeLedger(bankB),
                new DailyQuota(bankB, properties.dailyQuota(), clock.getIfAvailable(Clock::systemUTC), requiresNew(transactionManager)),
                new ArticleStore(bankA), new LikeEvents(events),
                new FlowTransactions(transactionManager, List.of(LikeRejectedException.class),
                        FlowTransactions.retryCounter(registry, "like")).labelled(timeline.getIfAvailable(), "like / unlike"),
                new DeadlockRetry(DEADLOCK_RETRIES, DEADLOCK_BACKOFF, onRetry));
    }

    private static TransactionTemplate requiresNew(PlatformTransactionManager transactionManager) {
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        return template;
    }
}
