package dev.twophase.participants.artemis;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;

import jakarta.jms.JMSException;
import jakarta.jms.XAConnection;

/**
 * The Artemis XA connection factory behind the Atomikos JMS pool, reporting a lost broker
 * connection so that the pool drops its idle connections.
 *
 * <p>Atomikos marks a pooled JMS connection bad only after it failed in use and sets no exception
 * listener of its own. Without this, every connection that sat idle in the pool while the broker
 * restarted would fail one request (rolled back, but refused) before being replaced.
 *
 * <p>Its connections also skip Atomikos's XA-mode probe session (see {@link SkipXaModeProbe}).
 */
final class PoolRefreshingXAConnectionFactory extends ActiveMQXAConnectionFactory {

    private static final long serialVersionUID = 1L;

    private transient volatile Runnable onConnectionLost = () -> { };

    PoolRefreshingXAConnectionFactory(String brokerUrl, String user, String password) {
        super(brokerUrl, user, password);
    }

    /** What to run, on a thread of its own, when a connection made here loses the broker. */
    void onConnectionLost(Runnable action) {
        this.onConnectionLost = action;
    }

    @Override
    public XAConnection createXAConnection() throws JMSException {
        return watched(super.createXAConnection());
    }

    @Override
    public XAConnection createXAConnection(String user, String password) throws JMSException {
        return watched(super.createXAConnection(user, password));
    }

    private XAConnection watched(XAConnection connection) throws JMSException {
        // Not on the client's callback thread: refreshing closes connections, this one among them.
        connection.setExceptionListener(e -> {
            Thread refresh = new Thread(onConnectionLost, "broker-pool-refresh");
            refresh.setDaemon(true);
            refresh.start();
        });
        return SkipXaModeProbe.wrap(connection);
    }
}
