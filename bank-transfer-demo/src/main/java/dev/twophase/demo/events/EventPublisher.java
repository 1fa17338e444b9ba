package dev.twophase.demo.events;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.twophase.coordinator.GlobalTransactionId;

/**
 * Publishes a business event inside the caller's JTA transaction: the broker holds the message
 * prepared with the databases and delivers it only if the transaction commits.
 *
 * <p>Every event is a JSON text message with a common envelope ({@code schema}, {@code eventId},
 * {@code eventType}, {@code businessKey}, {@code occurredAt}, {@code transactionId}) plus the fields of its type, and the
 * JMS properties {@code eventId}, {@code eventType} and {@code businessKey}. The schemas are
 * documented in docs/events.md; a breaking change gets a new schema name ({@code .v2}).
 */
public class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    /** Queue of {@code transfer} events (schema {@code twophase.transfer.v1}). */
    public static final String TRANSFERS = "transfers";
    /** Queue of {@code like} and {@code unlike} events (schema {@code twophase.like.v1}). */
    public static final String LIKES = "likes";
    /** Queue of {@code order} events (schema {@code twophase.order.v1}). */
    public static final String ORDERS = "orders";

    private final JmsTemplate jms;
    private final ObjectMapper json;

    public EventPublisher(JmsTemplate jms, ObjectMapper json) {
        this.jms = jms;
        this.json = json;
    }

    /**
     * Sends one event in the current transaction.
     *
     * @param queue one of {@link #TRANSFERS}, {@link #LIKES}, {@link #ORDERS}
     * @param eventType e.g. {@code transfer}, {@code like}, {@code unlike}, {@code order}
     * @param schema e.g. {@code twophase.like.v1}
     * @param businessKey id of the business record the event belongs to (transfer id, order id, like action id)
     * @param eventId the event's id; the business record stores it, so the consistency checker can match them
     * @param fields adds the type's own fields to the JSON body
     */
    public void publish(String queue, String eventType, String schema, String businessKey, String eventId,
            Consumer<ObjectNode> fields) {
        ObjectNode body = json.createObjectNode()
                .put("schema", schema)
                .put("eventId", eventId)
                .put("eventType", eventType)
                .put("businessKey", businessKey)
                .put("occurredAt", Instant.now().toString());
        // The XA transaction's global id: what XA RECOVER, pg_prepared_xacts and the broker show
        // for an in-doubt branch, so an operator can tell which business transaction it is.
        String transactionId = GlobalTransactionId.current().orElse(null);
        body.put("transactionId", transactionId);
        fields.accept(body);
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + eventType + " event " + eventId, e);
        }
        jms.send(queue, session -> {
            var message = session.createTextMessage(text);
            message.setStringProperty("eventId", eventId);
            message.setStringProperty("eventType", eventType);
            message.setStringProperty("businessKey", businessKey);
            return message;
        });
        log.debug("Event {} {} {} published in transaction {}", eventId, eventType, businessKey, transactionId);
    }

    /** A new event id. */
    public static String newEventId() {
        return UUID.randomUUID().toString();
    }
}
