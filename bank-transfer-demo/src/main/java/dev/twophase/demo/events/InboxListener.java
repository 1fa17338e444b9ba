package dev.twophase.demo.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

import dev.twophase.coordinator.GlobalTransactionId;
import dev.twophase.coordinator.timeline.XaTimeline;

/**
 * Consumes every business event into the {@code inbox_event} table of bank A. The listener
 * container runs each receive in a JTA transaction, so the broker's acknowledgement and the
 * inbox row commit together through two-phase commit: an event is either consumed and recorded,
 * or still on the queue.
 *
 * <p>The inbox is keyed by event id, so a redelivered event is recognised and acknowledged without
 * a second row. A message that is not a twophase event (no {@code eventId}, unreadable JSON)
 * fails its transaction; the broker redelivers it and finally moves it to its dead-letter queue.
 */
public class InboxListener implements MessageListener {

    private static final Logger log = LoggerFactory.getLogger(InboxListener.class);

    private final JdbcTemplate inbox;
    private final ObjectMapper json;
    private final XaTimeline timeline;

    public InboxListener(JdbcTemplate inbox, ObjectMapper json) {
        this(inbox, json, null);
    }

    /** @param timeline names each consumption on the protocol timeline ({@code inbox: <event type>}); may be null */
    public InboxListener(JdbcTemplate inbox, ObjectMapper json, XaTimeline timeline) {
        this.inbox = inbox;
        this.json = json;
        this.timeline = timeline;
    }

    @Override
    public void onMessage(Message message) {
        try {
            consume(message);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read message " + safeId(message), e);
        }
    }

    private void consume(Message message) throws JMSException {
        if (!(message instanceof TextMessage text) || message.getStringProperty("eventId") == null) {
            throw new IllegalArgumentException("message " + message.getJMSMessageID()
                    + " is not a twophase event (needs a text body and an eventId property); it goes to the dead-letter queue after redelivery");
        }
        String eventId = message.getStringProperty("eventId");
        if (timeline != null) {
            String type = message.getStringProperty("eventType");
            GlobalTransactionId.current().ifPresent(gtrid -> timeline.label(gtrid, "inbox: " + (type == null ? "event" : type)));
        }
        String body = text.getText();
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("event " + eventId + " has a body that is not JSON", e);
        }
        Integer seen = inbox.queryForObject("SELECT COUNT(*) FROM inbox_event WHERE event_id = ?", Integer.class, eventId);
        if (seen != null && seen > 0) {
            log.info("Event {} was already consumed; acknowledging the redelivery without a second inbox row", eventId);
            return;
        }
        inbox.update("INSERT INTO inbox_event (event_id, event_type, schema_name, business_key, payload) VALUES (?, ?, ?, ?, ?)",
                eventId, text(event, "eventType"), text(event, "schema"), text(event, "businessKey"), body);
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("event field '" + field + "' is missing: " + event);
        }
        return value.asText();
    }

    private static String safeId(Message message) {
        try {
            return message.getJMSMessageID();
        } catch (JMSException e) {
            return "?";
        }
    }
}
