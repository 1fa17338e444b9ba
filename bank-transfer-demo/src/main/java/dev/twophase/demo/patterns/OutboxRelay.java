package dev.twophase.demo.patterns;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import javax.sql.DataSource;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Publishes the rows of one database's {@code outbox_event} to the broker, oldest first, at least
 * once. A batch is one local transaction: it locks up to {@code batchSize} unpublished rows with
 * {@code FOR UPDATE SKIP LOCKED}, so relays running at the same time (threads or instances) take
 * disjoint rows instead of waiting for each other; sends each as a persistent message (Artemis
 * confirms a persistent send once it is durable on the broker); then marks the rows published and
 * commits. A crash or failure after a send and before the commit leaves the row unpublished, and the
 * next batch sends it again: consumers deduplicate by the {@code eventId} property (the demo's inbox
 * does). H2 has no {@code SKIP LOCKED}: there a second relay waits for the first one's batch.
 *
 * <p>Needs a plain (non-XA) {@link DataSource} and {@link ConnectionFactory}: the relay's work is
 * not part of any global transaction.
 */
public final class OutboxRelay {

    private final DataSource database;
    private final ConnectionFactory broker;
    private final int batchSize;
    private final Consumer<List<Outbox.Event>> afterSends;

    public OutboxRelay(DataSource database, ConnectionFactory broker, int batchSize) {
        this(database, broker, batchSize, batch -> {
        });
    }

    /** As above; {@code afterSends} runs between the sends and the commit that marks them (tests inject a failure there). */
    OutboxRelay(DataSource database, ConnectionFactory broker, int batchSize, Runnable afterSends) {
        this(database, broker, batchSize, batch -> afterSends.run());
    }

    /**
     * As above; {@code afterSends} gets each batch between its sends and the commit that marks it
     * published (the fault-injection suite halts there).
     */
    public OutboxRelay(DataSource database, ConnectionFactory broker, int batchSize, Consumer<List<Outbox.Event>> afterSends) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
        }
        this.database = database;
        this.broker = broker;
        this.batchSize = batchSize;
        this.afterSends = afterSends;
    }

    /**
     * Publishes one batch.
     *
     * @return how many events it published (0: none was waiting, or every waiting one is locked by another relay)
     */
    public int relayOnce() throws SQLException, JMSException {
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Outbox.Event> batch = new ArrayList<>();
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement select = c.prepareStatement(selectSql(c))) {
                    select.setMaxRows(batchSize);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            batch.add(new Outbox.Event(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                    rs.getString(6)));
                        }
                    }
                }
                if (batch.isEmpty()) {
                    c.commit();
                    return 0;
                }
                send(batch);
                afterSends.accept(batch);
                try (PreparedStatement mark = c.prepareStatement(
                        "UPDATE outbox_event SET published_at = CURRENT_TIMESTAMP WHERE id = ?")) {
                    for (long id : ids) {
                        mark.setLong(1, id);
                        mark.addBatch();
                    }
                    mark.executeBatch();
                }
                c.commit();
                return batch.size();
            } catch (SQLException | JMSException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private String selectSql(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String lock = product.contains("h2") ? " FOR UPDATE" : " FOR UPDATE SKIP LOCKED";
        return "SELECT id, event_id, destination, event_type, business_key, payload FROM outbox_event"
                + " WHERE published_at IS NULL ORDER BY id LIMIT " + batchSize + lock;
    }

    private void send(List<Outbox.Event> batch) throws JMSException {
        try (jakarta.jms.Connection connection = broker.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(null)) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (Outbox.Event event : batch) {
                TextMessage message = session.createTextMessage(event.payload());
                message.setStringProperty("eventId", event.eventId());
                message.setStringProperty("eventType", event.eventType());
                message.setStringProperty("businessKey", event.businessKey());
                producer.send(session.createQueue(event.destination()), message);
            }
        }
    }
}
