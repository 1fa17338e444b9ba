package dev.twophase.demo.likes;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.patterns.EventConsumer;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.patterns.PatternProperties;
import dev.twophase.demo.patterns.PeriodicTask;
import dev.twophase.demo.patterns.StepRecorder;

/**
 * Wires the Saga, TCC and outbox likes on the plain pools, broker and settings the transfer's
 * patterns use ({@code twophase.patterns.*}), with the like flow's daily quota
 * ({@code twophase.likes.daily-quota}): the three engines, their crash points, the recovery timer and
 * the consumer of the outbox like's count events.
 */
@Configuration(proxyBeanMethods = false)
class LikePatternConfiguration {

    @Bean
    PatternLikes patternLikes(HikariDataSource patternsBankA, HikariDataSource patternsBankB, PatternFaults faults, ObjectMapper json,
            PatternProperties settings, LikeProperties likes, ObjectProvider<Clock> clock, ObjectProvider<XaTimeline> timeline) {
        StepRecorder steps = StepRecorder.of(timeline);
        LocalDatabase bankA = new LocalDatabase("bank-a", patternsBankA, steps);
        LocalDatabase bankB = new LocalDatabase("bank-b", patternsBankB, steps);
        Map<Bank, LikeLog> logs = new EnumMap<>(Bank.class);
        for (var bank : Map.of(Bank.A, bankA, Bank.B, bankB).entrySet()) {
            LikeLog log = new LikeLog(bank.getValue().jdbc());
            log.recordTo(steps);
            logs.put(bank.getKey(), log);
        }
        TransactionTemplate ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(patternsBankB));
        ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        DailyQuota quota = new DailyQuota(bankB.jdbc(), likes.dailyQuota(), clock.getIfAvailable(Clock::systemUTC), ownTransaction);
        List<String> points = new ArrayList<>(SagaLike.CRASH_POINTS);
        points.addAll(TccLike.CRASH_POINTS);
        points.addAll(OutboxLike.CRASH_POINTS);
        faults.register(points);
        return new PatternLikes(List.of(
                new SagaLike(bankA, bankB, logs, quota, faults, json, settings.timeout()),
                new TccLike(bankA, bankB, logs, quota, faults, json, settings.timeout()),
                new OutboxLike(bankA, bankB, logs, quota, faults, json, settings.timeout())), logs.values());
    }

    /** Every {@code recovery-interval}, drives on the likes unchanged for {@code stale-after}. */
    @Bean
    PeriodicTask likeRecovery(PatternLikes likes, PatternProperties settings) {
        return PeriodicTask.every("like-recovery", settings.recoveryInterval(), () -> likes.recoverOnce(settings.staleAfter()));
    }

    /** The outbox like's consumer: a local JMS transaction per count event, acknowledged after the count commits. */
    @Bean
    DefaultMessageListenerContainer likeCounts(JmsPoolConnectionFactory patternsBroker, PatternLikes likes, PatternProperties settings) {
        OutboxLike outbox = (OutboxLike) likes.engine(PatternMode.OUTBOX);
        return EventConsumer.container(patternsBroker, OutboxLike.COUNTS, OutboxLike.COUNT_EVENT, settings.creditConsumers(),
                outbox::consume);
    }
}
