package dev.twophase.demo.transfer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.patterns.EventConsumer;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.OutboxRelay;
import dev.twophase.demo.patterns.OutboxRelays;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.patterns.PatternProperties;
import dev.twophase.demo.patterns.StepRecorder;
import dev.twophase.demo.tx.LocalPools;
import dev.twophase.participants.autoconfigure.ParticipantsProperties;

/**
 * Wires the Saga, TCC and outbox transfers: a plain (non-XA) Hikari pool per bank and a plain pooled
 * JMS connection factory on the same servers as the XA participants (from the same
 * {@code twophase.participants.*} properties), the three engines, the recovery timer, each bank's
 * outbox relay and the consumer of the outbox transfer's credit events. Settings: {@link PatternProperties}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PatternProperties.class)
class PatternConfiguration {

    /**
     * Every crash point of the three transfer engines and the relay, for {@code POST /admin/faults}
     * ({@code pattern:<point>:HALT}); the order flow registers its own.
     */
    @Bean
    PatternFaults patternFaults() {
        List<String> points = new ArrayList<>(SagaTransfer.CRASH_POINTS);
        points.addAll(TccTransfer.CRASH_POINTS);
        points.addAll(OutboxTransfer.CRASH_POINTS);
        return new PatternFaults(points);
    }

    @Bean(destroyMethod = "close")
    HikariDataSource patternsBankA(ParticipantsProperties participants, PatternProperties settings) {
        return pool("bank-a", participants, settings);
    }

    @Bean(destroyMethod = "close")
    HikariDataSource patternsBankB(ParticipantsProperties participants, PatternProperties settings) {
        return pool("bank-b", participants, settings);
    }

    @Bean(destroyMethod = "stop")
    JmsPoolConnectionFactory patternsBroker(ParticipantsProperties participants) {
        ParticipantsProperties.Jms broker = participants.jms().get("broker");
        if (broker == null || broker.url() == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.participants.jms.broker.url", null,
                    "the outbox relays publish to the demo's broker participant 'broker'; set its url, e.g. vm://0 with embedded.enabled=true");
        }
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(new ActiveMQConnectionFactory(broker.url(), broker.user(), broker.password()));
        pool.setMaxConnections(2);
        return pool;
    }

    @Bean
    PatternTransfers patternTransfers(HikariDataSource patternsBankA, HikariDataSource patternsBankB, PatternFaults faults,
            ObjectMapper json, PatternProperties settings, ObjectProvider<XaTimeline> timeline) {
        StepRecorder steps = StepRecorder.of(timeline);
        Map<Bank, LocalDatabase> banks = new EnumMap<>(Bank.class);
        banks.put(Bank.A, new LocalDatabase("bank-a", patternsBankA, steps));
        banks.put(Bank.B, new LocalDatabase("bank-b", patternsBankB, steps));
        Map<Bank, PatternLog> logs = new EnumMap<>(Bank.class);
        banks.forEach((bank, db) -> {
            PatternLog log = new PatternLog(db.jdbc());
            log.recordTo(steps);
            logs.put(bank, log);
        });
        return new PatternTransfers(List.of(
                new SagaTransfer(banks, logs, faults, json, settings.timeout()),
                new TccTransfer(banks, logs, faults, json, settings.timeout()),
                new OutboxTransfer(banks, logs, faults, json, settings.timeout())), logs);
    }

    @Bean
    PatternRecovery patternRecovery(PatternTransfers transfers, PatternProperties settings) {
        return new PatternRecovery(transfers, transfers.logs(), settings.recoveryInterval(), settings.staleAfter());
    }

    @Bean
    OutboxRelays outboxRelays(HikariDataSource patternsBankA, HikariDataSource patternsBankB, JmsPoolConnectionFactory patternsBroker,
            PatternFaults faults, PatternProperties settings) {
        List<OutboxRelay> relays = new ArrayList<>();
        for (HikariDataSource db : List.of(patternsBankA, patternsBankB)) {
            relays.add(new OutboxRelay(db, patternsBroker, settings.relayBatch(),
                    batch -> faults.reach("outbox.relay.after-send", batch.get(0).businessKey())));
        }
        return new OutboxRelays(relays, settings.relayInterval());
    }

    /** The outbox transfer's consumer: a local JMS transaction per event, acknowledged after the credit commits. */
    @Bean
    DefaultMessageListenerContainer transferCredits(JmsPoolConnectionFactory patternsBroker, PatternTransfers transfers,
            PatternProperties settings) {
        OutboxTransfer outbox = (OutboxTransfer) transfers.engine(PatternMode.OUTBOX);
        return EventConsumer.container(patternsBroker, OutboxTransfer.CREDITS, OutboxTransfer.CREDIT_EVENT, settings.creditConsumers(),
                outbox::consume);
    }

    private static HikariDataSource pool(String name, ParticipantsProperties participants, PatternProperties settings) {
        ParticipantsProperties.Jdbc db = participants.jdbc().get(name);
        if (db == null || db.url() == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.participants.jdbc." + name + ".url", null,
                    "the demo needs the database participant '" + name + "'; set its url, username and password");
        }
        // A request fails after 5 s without a connection.
        HikariConfig config = LocalPools.config("patterns-" + name, db.url(), db.username(), db.password(), settings.poolSize(),
                java.time.Duration.ofSeconds(5));
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }
}
