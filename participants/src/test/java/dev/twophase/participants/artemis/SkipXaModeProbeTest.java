package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XAQueueConnection;

/**
 * The connection wrapper that skips Atomikos's XA-mode probe: an unused transacted session costs
 * the broker nothing, a used one is created on first use, and everything else reaches the
 * connection unchanged; plus the destination cache that resolves each name once.
 */
class SkipXaModeProbeTest {

    private final List<String> calls = new ArrayList<>();

    @Test
    void aTransactedSessionOnlyRolledBackAndClosedIsNeverCreated() throws JMSException {
        XAConnection connection = SkipXaModeProbe.wrap(recordingConnection());

        // What AtomikosJmsConnectionProxy.forceConnectionIntoXaMode does before every XA session:
        Session probe = connection.createSession(true, Session.AUTO_ACKNOWLEDGE);
        probe.rollback();
        probe.close();

        assertThat(calls).isEmpty();
        assertThatExceptionOfType(jakarta.jms.IllegalStateException.class).isThrownBy(probe::commit);
    }

    @Test
    void aTransactedSessionThatIsUsedIsCreatedThenAndOnlyOnce() throws JMSException {
        XAConnection connection = SkipXaModeProbe.wrap(recordingConnection());

        Session session = connection.createSession(true, Session.AUTO_ACKNOWLEDGE);
        session.commit();
        session.createProducer(null);
        session.close();

        assertThat(calls).containsExactly("createSession(true,1)", "session.commit", "session.createProducer", "session.close");
    }

    @Test
    void everythingElseGoesToTheConnectionAndItsInterfacesAreKept() throws JMSException {
        XAConnection connection = SkipXaModeProbe.wrap(recordingConnection());

        connection.createXASession();
        connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        connection.close();

        assertThat(connection).isInstanceOf(XAQueueConnection.class).isInstanceOf(QueueConnection.class);
        assertThat(calls).containsExactly("createXASession", "createSession(false,1)", "close");
    }

    @Test
    void theDestinationResolverResolvesEachNameOnceAcrossSessions() throws JMSException {
        CachedDestinations resolver = new CachedDestinations();
        Session first = recordingSession();
        Session second = recordingSession();

        Destination a = resolver.resolveDestinationName(first, "transfers", false);
        Destination b = resolver.resolveDestinationName(second, "transfers", false);
        resolver.resolveDestinationName(second, "likes", false);

        assertThat(b).isSameAs(a);
        assertThat(calls).containsExactly("session.createQueue(transfers)", "session.createQueue(likes)");
    }

    private XAConnection recordingConnection() {
        return (XAConnection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {XAQueueConnection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "createSession" -> {
                            calls.add("createSession(" + args[0] + "," + args[1] + ")");
                            return recordingSession();
                        }
                        case "hashCode" -> {
                            return 1;
                        }
                        default -> {
                            calls.add(method.getName());
                            return null;
                        }
                    }
                });
    }

    private Session recordingSession() {
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class}, (proxy, method, args) -> {
            if (method.getName().equals("createQueue")) {
                calls.add("session.createQueue(" + args[0] + ")");
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Queue.class}, (p, m, a) -> m.getName().equals("hashCode") ? 2 : null);
            }
            calls.add("session." + method.getName());
            return null;
        });
    }
}
