package dev.twophase.participants.artemis;

import org.messaginghub.pooled.jms.JmsPoolXAConnectionFactory;

import dev.twophase.coordinator.atomikos.JmsRecovery;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.XAConnectionFactory;
import jakarta.transaction.TransactionManager;

/**
 * The broker participant's connection factory with XA sessions and producers reused across
 * transactions: messaginghub pooled-jms's {@link JmsPoolXAConnectionFactory}, which enlists a
 * pooled XA session's XAResource in the caller's JTA transaction and returns the session to the
 * pool when the transaction completes. Atomikos's own JMS pool instead opens an XA session (and a
 * producer) for every transaction and closes it at completion: round trips to the broker each time.
 *
 * <p>Recovery: pooled-jms registers nothing, and Atomikos enlists only XAResources that a
 * registered resource can recover, so {@link #init} registers the same (chain-decorated) XA
 * factory with Atomikos under the participant's name, as Atomikos's pool does for itself
 * ({@link JmsRecovery}). Branches keep the participant's name in the log; recovery scans the broker
 * through that registration; fault rules and phase timers see the same decorated XAResource.
 *
 * <p>Connection loss: the Artemis client does not reconnect (see {@link ArtemisParticipant}); a
 * connection whose broker died reports it to pooled-jms's exception listener, which drops it from
 * the pool, and the next borrow opens a new one.
 */
public final class PooledXaConnectionFactory implements ConnectionFactory {

    private final String participant;
    private final XAConnectionFactory xa;
    private final JmsPoolXAConnectionFactory pool = new JmsPoolXAConnectionFactory();
    private Runnable unregister;

    PooledXaConnectionFactory(String participant, XAConnectionFactory xa, TransactionManager transactionManager, int maxConnections,
            long borrowTimeoutMillis) {
        this.participant = participant;
        this.xa = xa;
        pool.setConnectionFactory(xa);
        pool.setTransactionManager(transactionManager);
        pool.setMaxConnections(maxConnections);
        pool.setBlockIfSessionPoolIsFull(true);
        pool.setBlockIfSessionPoolIsFullTimeout(borrowTimeoutMillis);
        // One producer per session for any destination: the send path creates none.
        pool.setUseAnonymousProducers(true);
    }

    /** Registers the factory with Atomikos for recovery and starts the pool. */
    public void init() {
        unregister = JmsRecovery.register(participant, xa);
        pool.start();
    }

    /** Stops the pool (closing its connections) and removes the recovery registration. */
    public void close() {
        try {
            pool.stop();
        } finally {
            if (unregister != null) {
                unregister.run();
                unregister = null;
            }
        }
    }

    @Override
    public Connection createConnection() throws JMSException {
        return pool.createConnection();
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        return pool.createConnection(userName, password);
    }

    @Override
    public JMSContext createContext() {
        return pool.createContext();
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        return pool.createContext(userName, password);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        return pool.createContext(userName, password, sessionMode);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return pool.createContext(sessionMode);
    }

    @Override
    public String toString() {
        return "PooledXaConnectionFactory[" + participant + "]";
    }
}
