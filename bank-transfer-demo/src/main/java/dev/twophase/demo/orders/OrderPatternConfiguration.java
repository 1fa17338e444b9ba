package dev.twophase.demo.orders;

import java.util.ArrayList;
import java.util.List;

import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.patterns.EventConsumer;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.patterns.PatternProperties;
import dev.twophase.demo.patterns.PeriodicTask;
import dev.twophase.demo.patterns.StepRecorder;

/**
 * Wires the Saga, TCC and outbox orders on the plain pools, broker and settings the transfer's
 * patterns use ({@code twophase.patterns.*}): the three engines, their crash points, the recovery
 * timer and the consumer of the outbox order's create events. The outbox relays publish every
 * outbox's events, whatever their flow.
 */
@Configuration(proxyBeanMethods = false)
class OrderPatternConfiguration {

    @Bean
    PatternOrders patternOrders(HikariDataSource patternsBankA, HikariDataSource patternsBankB, PatternFaults faults, ObjectMapper json,
            PatternProperties settings, ObjectProvider<XaTimeline> timeline) {
        StepRecorder steps = StepRecorder.of(timeline);
        LocalDatabase bankA = new LocalDatabase("bank-a", patternsBankA, steps);
        LocalDatabase bankB = new LocalDatabase("bank-b", patternsBankB, steps);
        OrderLog orderLog = new OrderLog(bankA.jdbc());
        orderLog.recordTo(steps);
        List<String> points = new ArrayList<>(SagaOrder.CRASH_POINTS);
        points.addAll(TccOrder.CRASH_POINTS);
        points.addAll(OutboxOrder.CRASH_POINTS);
        faults.register(points);
        return new PatternOrders(List.of(
                new SagaOrder(bankA, bankB, orderLog, faults, json, settings.timeout()),
                new TccOrder(bankA, bankB, orderLog, faults, json, settings.timeout()),
                new OutboxOrder(bankA, bankB, orderLog, faults, json, settings.timeout())), orderLog);
    }

    /** Every {@code recovery-interval}, drives on the orders unchanged for {@code stale-after}. */
    @Bean
    PeriodicTask orderRecovery(PatternOrders orders, PatternProperties settings) {
        return PeriodicTask.every("order-recovery", settings.recoveryInterval(), () -> orders.recoverOnce(settings.staleAfter()));
    }

    /** The outbox order's consumer: a local JMS transaction per create event, acknowledged after the order row commits. */
    @Bean
    DefaultMessageListenerContainer orderCreates(JmsPoolConnectionFactory patternsBroker, PatternOrders orders, PatternProperties settings) {
        OutboxOrder outbox = (OutboxOrder) orders.engine(PatternMode.OUTBOX);
        return EventConsumer.container(patternsBroker, OutboxOrder.CREATES, OutboxOrder.CREATE_EVENT, settings.creditConsumers(),
                outbox::consume);
    }
}
