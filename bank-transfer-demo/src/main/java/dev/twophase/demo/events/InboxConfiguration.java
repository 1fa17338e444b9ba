package dev.twophase.demo.events;

import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.transaction.jta.JtaTransactionManager;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.jms.ConnectionFactory;

/**
 * One XA listener container per event queue, all writing into bank A's inbox. Off with
 * {@code twophase.inbox.enabled=false}; consumers per queue with {@code twophase.inbox.concurrency}
 * ({@code min-max}, default {@value #DEFAULT_CONCURRENCY}): each event costs one two-phase commit,
 * so one consumer falls behind many producers.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "twophase.inbox", name = "enabled", matchIfMissing = true)
class InboxConfiguration {

    static final String DEFAULT_CONCURRENCY = "1-4";
    static final long RECOVERY_INTERVAL_MS = 1000;

    private final String concurrency;

    InboxConfiguration(org.springframework.core.env.Environment environment) {
        this.concurrency = environment.getProperty("twophase.inbox.concurrency", DEFAULT_CONCURRENCY);
    }

    static final List<String> QUEUES = List.of(EventPublisher.TRANSFERS, EventPublisher.LIKES, EventPublisher.ORDERS);

    @Bean
    InboxListener inboxListener(@Qualifier("bank-a") JdbcTemplate bankA, ObjectMapper json,
            org.springframework.beans.factory.ObjectProvider<dev.twophase.coordinator.timeline.XaTimeline> timeline) {
        return new InboxListener(bankA, json, timeline.getIfAvailable());
    }

    @Bean
    DefaultMessageListenerContainer transfersInbox(@Qualifier("broker") ConnectionFactory broker, JtaTransactionManager tx, InboxListener listener) {
        return container(EventPublisher.TRANSFERS, broker, tx, listener, concurrency);
    }

    @Bean
    DefaultMessageListenerContainer likesInbox(@Qualifier("broker") ConnectionFactory broker, JtaTransactionManager tx, InboxListener listener) {
        return container(EventPublisher.LIKES, broker, tx, listener, concurrency);
    }

    @Bean
    DefaultMessageListenerContainer ordersInbox(@Qualifier("broker") ConnectionFactory broker, JtaTransactionManager tx, InboxListener listener) {
        return container(EventPublisher.ORDERS, broker, tx, listener, concurrency);
    }

    private static DefaultMessageListenerContainer container(String queue, ConnectionFactory broker,
            JtaTransactionManager tx, InboxListener listener, String concurrency) {
        DefaultMessageListenerContainer container = new DefaultMessageListenerContainer();
        container.setConnectionFactory(broker);
        // Each receive runs in a JTA transaction: the broker ack and the inbox row commit together.
        container.setTransactionManager(tx);
        // Transacted for Atomikos's JMS pool; not for pooled-jms, whose XA session must not be committed locally.
        container.setSessionTransacted(dev.twophase.participants.artemis.ArtemisParticipant.synchedLocalTransactions(broker));
        container.setDestinationName(queue);
        container.setMessageListener(listener);
        // Well under the JTA timeout, so an idle poll never times the transaction out.
        container.setReceiveTimeout(1000);
        // On shutdown Spring interrupts invokers still busy after one receive timeout, unless they may finish what they
        // received: an interrupt can land in the JTA commit (the invoker's "receive" spans it) and break the broker's XA
        // commit halfway, leaving the branch to recovery. Let the transaction finish; the invoker then stops.
        container.setAcceptMessagesWhileStopping(true);
        // After the broker or bank A was lost, try again every second (Spring's default is 5 s), so
        // events published before the fault are consumed within a second of the participant's return.
        container.setRecoveryInterval(RECOVERY_INTERVAL_MS);
        container.setConcurrency(concurrency);
        container.setBeanName(queue + "-inbox");
        return container;
    }
}
