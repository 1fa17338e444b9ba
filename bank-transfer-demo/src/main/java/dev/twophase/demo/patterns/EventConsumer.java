package dev.twophase.demo.patterns;

import java.io.IOException;

import org.springframework.jms.listener.DefaultMessageListenerContainer;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * The consumer of one outbox event queue: a local JMS transaction per event, acknowledged only after
 * {@link Handler#consume} returned, that is after its local database transaction committed. A
 * failure rolls the JMS transaction back, so the broker redelivers (and after its limit moves the
 * message to the dead-letter queue); the handler deduplicates redeliveries through its inbox.
 */
public final class EventConsumer {

    /** Handles one event; must be idempotent by {@code eventId}. */
    @FunctionalInterface
    public interface Handler {
        void consume(String eventId, String text) throws IOException;
    }

    private EventConsumer() {
    }

    /**
     * A listener container on {@code queue}.
     *
     * @param concurrency e.g. {@code 1-4}
     */
    public static DefaultMessageListenerContainer container(ConnectionFactory factory, String queue, String eventType,
            String concurrency, Handler handler) {
        DefaultMessageListenerContainer container = new DefaultMessageListenerContainer();
        container.setConnectionFactory(factory);
        container.setSessionTransacted(true);
        container.setDestinationName(queue);
        container.setMessageListener((MessageListener) message -> {
            try {
                String eventId = message.getStringProperty("eventId");
                if (!(message instanceof TextMessage text) || eventId == null) {
                    throw new IllegalArgumentException("message " + message.getJMSMessageID() + " on " + queue + " is not a "
                            + eventType + " event; it goes to the dead-letter queue after redelivery");
                }
                handler.consume(eventId, text.getText());
            } catch (JMSException | IOException e) {
                throw new IllegalStateException("cannot read a " + eventType + " event", e);
            }
        });
        container.setReceiveTimeout(1000);
        container.setRecoveryInterval(1000);
        container.setAcceptMessagesWhileStopping(true);
        container.setConcurrency(concurrency);
        container.setBeanName(queue + "-consumer");
        return container;
    }
}
