package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;

import javax.transaction.xa.XAResource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;

/**
 * Against a real (embedded) broker: the connections behind the Atomikos pool skip the XA-mode probe
 * session and still carry XA work through to a committed message.
 */
class PoolRefreshingXAConnectionFactoryTest {

    @Test
    void connectionsSkipTheProbeSessionAndCommitXaWork(@TempDir Path dataDir) throws Exception {
        try (ArtemisBroker broker = ArtemisBroker.start(dataDir, 8, null, -1);
                PoolRefreshingXAConnectionFactory factory = new PoolRefreshingXAConnectionFactory(broker.inVmUrl(), null, null)) {
            XAConnection connection = factory.createXAConnection();
            try {
                assertThat(Proxy.isProxyClass(connection.getClass())).isTrue();
                assertThat(Proxy.getInvocationHandler(connection)).isInstanceOf(SkipXaModeProbe.class);
                // The probe Atomikos runs: answered without a session on the broker.
                Session probe = connection.createSession(true, Session.AUTO_ACKNOWLEDGE);
                assertThat(Proxy.isProxyClass(probe.getClass())).isTrue();
                probe.rollback();
                probe.close();

                XASession session = connection.createXASession();
                XAResource xa = session.getXAResource();
                var xid = dev.twophase.coordinator.xa.PlainXid.of(4660, "probe-test.1", "probe-test.1.1");
                xa.start(xid, XAResource.TMNOFLAGS);
                session.createProducer(session.createQueue("probe-test")).send(session.createTextMessage("sent under XA"));
                xa.end(xid, XAResource.TMSUCCESS);
                assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
                xa.commit(xid, false);
                session.close();
            } finally {
                connection.close();
            }
            try (Connection plain = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker.inVmUrl()).createConnection()) {
                plain.start();
                MessageConsumer consumer = plain.createSession(false, Session.AUTO_ACKNOWLEDGE)
                        .createConsumer(plain.createSession(false, Session.AUTO_ACKNOWLEDGE).createQueue("probe-test"));
                assertThat(((TextMessage) consumer.receive(5000)).getText()).isEqualTo("sent under XA");
            }
        }
    }
}
