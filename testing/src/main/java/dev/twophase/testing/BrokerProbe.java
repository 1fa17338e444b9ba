package dev.twophase.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import javax.transaction.xa.Xid;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import dev.twophase.participants.artemis.BrokerInspector;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;

/**
 * Reads what an Artemis broker really holds, for assertions: the prepared (in-doubt) XA
 * transactions and the messages on a queue.
 *
 * <p>Every call opens and closes its own connection, so one probe keeps working across broker
 * kills and restarts. A message sent in a transaction that is prepared but not committed is not on
 * the queue yet: {@link #messageCount} does not count it. Not for production code.
 */
public final class BrokerProbe implements AutoCloseable {

    private static final int PURGE_BATCH = 100;

    private final String brokerUrl;
    private final String user;
    private final String password;
    private final ActiveMQConnectionFactory factory;

    /** A probe without credentials (the test brokers run without security). */
    public BrokerProbe(String brokerUrl) {
        this(brokerUrl, null, null);
    }

    public BrokerProbe(String brokerUrl, String user, String password) {
        this.brokerUrl = brokerUrl;
        this.user = user;
        this.password = password;
        this.factory = new ActiveMQConnectionFactory(brokerUrl, user, password);
        // A dead broker must fail the assertion, not hang it.
        factory.setInitialConnectAttempts(1);
        factory.setReconnectAttempts(0);
        factory.setCallTimeout(10_000);
    }

    /** The Xids the broker holds as prepared, from an XA recovery scan. */
    public List<Xid> preparedTransactions() {
        try (BrokerInspector inspector = new BrokerInspector(brokerUrl, user, password)) {
            return inspector.preparedTransactions();
        } catch (JMSException e) {
            throw new IllegalStateException("XA recover on the broker at " + brokerUrl + " failed", e);
        }
    }

    /** How many messages are on the queue now, by browsing it. */
    public int messageCount(String queue) {
        try (BrokerInspector inspector = new BrokerInspector(brokerUrl, user, password)) {
            return inspector.messageCount(queue);
        } catch (JMSException e) {
            throw new IllegalStateException("could not count queue '" + queue + "' on the broker at " + brokerUrl, e);
        }
    }

    /** The messages on the queue, in order, without consuming them. */
    public List<Message> browse(String queue) {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            connection.start();
            List<Message> messages = new ArrayList<>();
            Enumeration<?> e = browser.getEnumeration();
            for (Object m : Collections.list(e)) {
                messages.add((Message) m);
            }
            return messages;
        } catch (JMSException e) {
            throw new IllegalStateException("could not browse queue '" + queue + "' on the broker at " + brokerUrl, e);
        }
    }

    /**
     * Consumes every message on the queue and returns how many there were. Messages of prepared
     * transactions are not touched: commit or roll those back first.
     */
    public int purge(String queue) {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            connection.start();
            int purged = 0;
            // Artemis's receiveNoWait asks the broker, so null means the queue is empty, not that nothing arrived yet.
            while (consumer.receiveNoWait() != null) {
                if (++purged % PURGE_BATCH == 0) {
                    session.commit();
                }
            }
            session.commit();
            return purged;
        } catch (JMSException e) {
            throw new IllegalStateException("could not purge queue '" + queue + "' on the broker at " + brokerUrl, e);
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
