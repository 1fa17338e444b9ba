package dev.twophase.participants.artemis;

import java.util.Collections;
import java.util.List;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;

import jakarta.jms.JMSException;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;

/**
 * Reads a broker's state outside any transaction: the XA branches it holds prepared and how many
 * messages wait on a queue. Opens its own plain connection (not the Atomikos pool), so it never
 * enlists in or disturbs a transaction. Point-in-time values: under load branches are briefly
 * prepared between the two phases.
 *
 * <p>Use for health checks, consistency checks and operator tools; close it after use.
 */
public final class BrokerInspector implements AutoCloseable {

    private final XAConnection connection;

    /**
     * @throws JMSException when the broker cannot be reached or refuses the login
     */
    public BrokerInspector(String brokerUrl, String user, String password) throws JMSException {
        ActiveMQXAConnectionFactory factory = new ActiveMQXAConnectionFactory(brokerUrl, user, password);
        factory.setCallTimeout(5_000);
        factory.setReconnectAttempts(0);
        factory.setInitialConnectAttempts(1);
        this.connection = factory.createXAConnection(user, password);
        connection.start();
    }

    /** The branches the broker holds prepared, from an XA recovery scan. */
    public List<Xid> preparedTransactions() throws JMSException {
        try (XASession session = connection.createXASession()) {
            XAResource resource = session.getXAResource();
            Xid[] xids = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            return xids == null ? Collections.emptyList() : List.of(xids);
        } catch (XAException e) {
            JMSException jms = new JMSException("XA recover failed on the broker (XA error code " + e.errorCode + ")");
            jms.initCause(e);
            throw jms;
        }
    }

    /** Messages available on a queue (not counting ones being delivered); 0 when the queue does not exist yet. */
    public int messageCount(String queue) throws JMSException {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            int count = 0;
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                messages.nextElement();
                count++;
            }
            return count;
        }
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
