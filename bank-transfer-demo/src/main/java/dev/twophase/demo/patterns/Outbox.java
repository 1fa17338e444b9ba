package dev.twophase.demo.patterns;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The writing side of the transactional outbox: an event row in {@code outbox_event}, inserted on the
 * connection of the business change's local transaction, so that the event exists exactly when the
 * change committed. {@link OutboxRelay} publishes it.
 */
public final class Outbox {

    private Outbox() {
    }

    /** One event to publish: where to, its type and business key (as JMS properties) and its JSON body. */
    public record Event(String eventId, String destination, String eventType, String businessKey, String payload) {
    }

    /**
     * Adds the event to the outbox in the caller's local transaction.
     *
     * @param connection the business change's connection, auto-commit off
     */
    public static void add(Connection connection, Event event) throws SQLException {
        if (connection.getAutoCommit()) {
            throw new IllegalStateException("the outbox needs the business change's local transaction: auto-commit is on");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox_event"
                + " (event_id, destination, event_type, business_key, payload) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, event.eventId());
            insert.setString(2, event.destination());
            insert.setString(3, event.eventType());
            insert.setString(4, event.businessKey());
            insert.setString(5, event.payload());
            insert.executeUpdate();
        }
    }
}
