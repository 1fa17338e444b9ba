package dev.twophase.participants.artemis;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

import org.apache.activemq.artemis.api.core.ActiveMQConnectionTimedOutException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;

import com.atomikos.jms.AtomikosConnectionFactoryBean;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.XaResourceChain;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;

/**
 * ActiveMQ Artemis as an XA participant: the pooled Atomikos connection factory and the startup
 * preflight check.
 *
 * <p>Use {@link #connectionFactory} for the bean the application sends and receives with inside
 * JTA transactions, and {@link #preflight} once at startup so that a missing broker is reported
 * as "start the broker at host:port" rather than as a pool timeout on the first request. Not for
 * running a broker: see {@link ArtemisBroker}.
 *
 * <p>Client settings are chosen so that a dead or hung broker fails a call within seconds instead
 * of blocking a transaction: one connection attempt, no transparent reconnect (a reconnected XA
 * session would silently lose its branch; the Atomikos pool replaces broken connections instead),
 * a bounded call timeout, and durable sends that wait for the broker's journal. A setting given as
 * a parameter of the broker URL wins over these defaults, except that durable sends cannot be made
 * asynchronous.
 */
public final class ArtemisParticipant {

    /** How long a blocking call (send, prepare, commit, recover) waits for the broker. */
    static final long CALL_TIMEOUT_MS = 10_000;
    /** Without data from the broker for this long, the client declares the connection dead. */
    static final long CLIENT_FAILURE_CHECK_PERIOD_MS = 10_000;
    /** The broker drops a client that has been silent for this long. */
    static final long CONNECTION_TTL_MS = 30_000;
    static final int BORROW_CONNECTION_TIMEOUT_S = 30;
    private static final long PREFLIGHT_CALL_TIMEOUT_MS = 5_000;

    private ArtemisParticipant() {
    }

    /**
     * Builds, but does not initialise, a pooled Atomikos connection factory around an
     * {@link ActiveMQXAConnectionFactory}. Declare it with {@code initMethod = "init"} and
     * {@code destroyMethod = "close"} so that Spring registers it with the transaction manager
     * for recovery and closes the pool on shutdown. The Artemis factory is decorated by
     * {@code chain} under the participant's name; {@link XaResourceChain#unwrap} returns Artemis's own.
     *
     * @param settings the participant; its name is the one in the Atomikos log and must never change
     *                 for a broker that may hold prepared transactions
     * @param chain    the coordinator's {@link XaResourceChain} bean
     * @throws TwophaseStartupException when the URL asks for asynchronous durable sends
     */
    public static AtomikosConnectionFactoryBean connectionFactory(ArtemisParticipantSettings settings, XaResourceChain chain) {
        if (settings.maxPoolSize() < 1) {
            throw new IllegalArgumentException(settings.property("max-pool-size") + " must be at least 1, was " + settings.maxPoolSize());
        }
        rejectAsyncDurableSend(settings);
        PoolRefreshingXAConnectionFactory xa = new PoolRefreshingXAConnectionFactory(settings.url(), settings.user(), settings.password());
        applyClientDefaults(xa, settings.url(), CALL_TIMEOUT_MS);

        AtomikosConnectionFactoryBean bean = new DeadConnectionReplacingFactoryBean();
        xa.onConnectionLost(bean::refreshPool);
        bean.setUniqueResourceName(settings.name());
        bean.setXaConnectionFactory(chain.wrap(settings.name(), xa));
        bean.setLocalTransactionMode(false);
        bean.setMinPoolSize(1);
        bean.setMaxPoolSize(settings.maxPoolSize());
        bean.setBorrowConnectionTimeout(BORROW_CONNECTION_TIMEOUT_S);
        return bean;
    }

    /**
     * Builds, but does not initialise, the pooled-jms connection factory of the participant (XA
     * sessions and producers reused across transactions; see {@link PooledXaConnectionFactory}).
     * Declare it with {@code initMethod = "init"} and {@code destroyMethod = "close"}, after the
     * transaction service: {@code init} registers the broker with Atomikos for recovery.
     *
     * @param transactionManager the JTA transaction manager the pool enlists its sessions in (Atomikos's)
     */
    public static PooledXaConnectionFactory pooledConnectionFactory(ArtemisParticipantSettings settings, XaResourceChain chain,
            jakarta.transaction.TransactionManager transactionManager) {
        if (settings.maxPoolSize() < 1) {
            throw new IllegalArgumentException(settings.property("max-pool-size") + " must be at least 1, was " + settings.maxPoolSize());
        }
        rejectAsyncDurableSend(settings);
        ActiveMQXAConnectionFactory xa = new ActiveMQXAConnectionFactory(settings.url(), settings.user(), settings.password());
        applyClientDefaults(xa, settings.url(), CALL_TIMEOUT_MS);
        return new PooledXaConnectionFactory(settings.name(), chain.wrap(settings.name(), xa), transactionManager,
                settings.maxPoolSize(), BORROW_CONNECTION_TIMEOUT_S * 1000L);
    }

    /**
     * A {@code JmsTemplate} for sending inside JTA transactions through {@link #connectionFactory}: a
     * transacted session (Atomikos makes it an XA session of the current transaction), and queue
     * names resolved once.
     *
     * <p>Under JTA every transaction gets a new XA session, and a queue named anew in a new session
     * costs three blocking round trips to the broker: a queue query to resolve the name, then an
     * address query and a queue query when the producer checks that the destination exists. The
     * Artemis client marks a destination object as checked after the first producer, and its own
     * {@code cacheDestinations} cache lives in one session only; a resolved {@code Queue} kept
     * across sessions skips all three. A queue deleted on the broker while the application runs is
     * then not recreated by the client, but by the broker's auto-create on the next send, as for any
     * send to a known destination.
     */
    public static org.springframework.jms.core.JmsTemplate jmsTemplate(jakarta.jms.ConnectionFactory connectionFactory) {
        org.springframework.jms.core.JmsTemplate template = new org.springframework.jms.core.JmsTemplate(connectionFactory);
        template.setSessionTransacted(synchedLocalTransactions(connectionFactory));
        template.setDestinationResolver(destinationResolver());
        return template;
    }

    /**
     * Whether Spring's JMS support ({@code JmsTemplate}, a listener container) should ask for a transacted
     * session from this factory. Atomikos's pool hands out a session that joins the JTA transaction either
     * way and ignores a local commit. pooled-jms hands out a plain XA session, and a transacted template or
     * container would have Spring commit it locally after the JTA commit, which an XA session refuses: set
     * {@code sessionTransacted} to this value.
     */
    public static boolean synchedLocalTransactions(jakarta.jms.ConnectionFactory connectionFactory) {
        return !(connectionFactory instanceof PooledXaConnectionFactory);
    }

    /** Resolves each destination name once and hands the same object to every later session (see {@link #jmsTemplate}). */
    public static org.springframework.jms.support.destination.DestinationResolver destinationResolver() {
        return new CachedDestinations();
    }

    /**
     * Opens one XA connection and session, runs an XA recovery scan, and closes them. Call it before
     * the pool starts; it leaves nothing behind on the broker.
     *
     * @throws TwophaseStartupException when the broker cannot be reached, refuses the credentials, or
     *                                  fails the recovery scan
     */
    public static void preflight(ArtemisParticipantSettings settings) {
        String address = BrokerAddress.describe(settings.url());
        String subject = "participant '" + settings.name() + "' (Artemis broker at " + address + ")";
        try (ActiveMQXAConnectionFactory factory = new ActiveMQXAConnectionFactory(settings.url(), settings.user(), settings.password())) {
            applyClientDefaults(factory, settings.url(), PREFLIGHT_CALL_TIMEOUT_MS);
            XAConnection connection;
            try {
                connection = factory.createXAConnection();
            } catch (JMSException e) {
                throw connectFailure(subject, address, settings, e);
            }
            try (connection; XASession session = connection.createXASession()) {
                session.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            } catch (JMSException | XAException e) {
                throw new TwophaseStartupException(subject,
                        "connected, but the XA recovery scan failed (" + describe(e) + ")",
                        "Check the broker log at " + address + "; the broker user needs permission to use XA transactions.",
                        e);
            }
        }
    }

    private static TwophaseStartupException connectFailure(String subject, String address, ArtemisParticipantSettings settings,
            JMSException e) {
        String user = settings.user();
        if (hasCause(e, JMSSecurityException.class) || hasCause(e, ActiveMQSecurityException.class)) {
            return new TwophaseStartupException(subject,
                    "the broker refused the login of " + (user == null ? "an anonymous user" : "user '" + user + "'") + " (" + describe(e) + ")",
                    "Check " + settings.property("user") + " and " + settings.property("password") + ", or create the user on the broker.",
                    e);
        }
        String what = hasCause(e, ActiveMQNotConnectedException.class) || hasCause(e, ActiveMQConnectionTimedOutException.class)
                ? "no broker answered at " + address
                : "could not open an XA connection to " + address;
        return new TwophaseStartupException(subject, what + " (" + describe(e) + ")",
                "Start the Artemis broker at " + address + " (e.g. docker compose up artemis, or the StandaloneBroker "
                        + "main class), or set " + settings.property("url") + " to the running broker, and check "
                        + settings.property("user") + " and " + settings.property("password") + ".",
                e);
    }

    /** Settings given in the URL win; only the ones it leaves out are set here. */
    static void applyClientDefaults(ActiveMQConnectionFactory factory, String brokerUrl, long callTimeoutMs) {
        if (!BrokerAddress.setsParameter(brokerUrl, "callTimeout")) {
            factory.setCallTimeout(callTimeoutMs);
        }
        if (!BrokerAddress.setsParameter(brokerUrl, "callFailoverTimeout")) {
            factory.setCallFailoverTimeout(callTimeoutMs);
        }
        if (!BrokerAddress.setsParameter(brokerUrl, "initialConnectAttempts")) {
            factory.setInitialConnectAttempts(1);
        }
        if (!BrokerAddress.setsParameter(brokerUrl, "reconnectAttempts")) {
            factory.setReconnectAttempts(0);
        }
        if (!BrokerAddress.setsParameter(brokerUrl, "clientFailureCheckPeriod")) {
            factory.setClientFailureCheckPeriod(CLIENT_FAILURE_CHECK_PERIOD_MS);
        }
        if (!BrokerAddress.setsParameter(brokerUrl, "connectionTTL")) {
            factory.setConnectionTTL(CONNECTION_TTL_MS);
        }
        factory.setBlockOnDurableSend(true);
    }

    private static void rejectAsyncDurableSend(ArtemisParticipantSettings settings) {
        String brokerUrl = settings.url();
        if (brokerUrl != null && brokerUrl.replace(" ", "").toLowerCase(java.util.Locale.ROOT).contains("blockondurablesend=false")) {
            throw new TwophaseStartupException("participant '" + settings.name() + "' (Artemis broker at " + BrokerAddress.describe(brokerUrl) + ")",
                    "the broker URL sets blockOnDurableSend=false, so a send outside a transaction could be lost after it returned",
                    "Remove blockOnDurableSend=false from " + settings.property("url") + ".", null);
        }
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t instanceof JMSException jms && jms.getLinkedException() != null && jms.getLinkedException() != t.getCause()
                    && hasCause(jms.getLinkedException(), type)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof XAException xa) {
            message = "XAException errorCode=" + xa.errorCode + (message == null ? "" : ", " + message);
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
