package dev.twophase.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.artemis.ArtemisParticipant;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;

class ArtemisBrokerProcessIT {

    private static final String QUEUE = "probe";

    private ArtemisBrokerProcess broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void preparedSendSurvivesBrokerKillAndIsDeliveredOnceCommittedAfterRestart() throws Exception {
        broker = ArtemisBrokerProcess.start(Path.of("target", "artemis-it-" + UUID.randomUUID()));
        Xid xid = new TestXid(0x7470, "transfer-1", "branch-broker");

        try (ActiveMQXAConnectionFactory factory = new ActiveMQXAConnectionFactory(broker.url());
                XAConnection connection = factory.createXAConnection();
                XASession session = connection.createXASession()) {
            XAResource xa = session.getXAResource();
            xa.start(xid, XAResource.TMNOFLAGS);
            session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("hello"));
            xa.end(xid, XAResource.TMSUCCESS);
            assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
        }

        try (BrokerProbe probe = new BrokerProbe(broker.url())) {
            assertThat(ids(probe.preparedTransactions())).containsExactly(TestXid.id(xid));
            assertThat(probe.messageCount(QUEUE)).isZero();

            broker.kill();
            assertThat(broker.isAlive()).isFalse();
            broker.restart();
            assertThat(broker.isAlive()).isTrue();

            assertThat(ids(probe.preparedTransactions())).containsExactly(TestXid.id(xid));
            assertThat(probe.messageCount(QUEUE)).isZero();

            try (ActiveMQXAConnectionFactory factory = new ActiveMQXAConnectionFactory(broker.url());
                    XAConnection connection = factory.createXAConnection();
                    XASession session = connection.createXASession()) {
                session.getXAResource().commit(xid, false);
            }

            assertThat(probe.preparedTransactions()).isEmpty();
            assertThat(probe.browse(QUEUE)).singleElement()
                    .satisfies(m -> assertThat(((TextMessage) m).getText()).isEqualTo("hello"));
            assertThat(probe.purge(QUEUE)).isEqualTo(1);
            assertThat(probe.messageCount(QUEUE)).isZero();
        }
    }

    @Test
    void preflightPassesAgainstARunningBroker() {
        broker = ArtemisBrokerProcess.start(Path.of("target", "artemis-it-" + UUID.randomUUID()));

        ArtemisParticipant.preflight("events", broker.url(), null, null);
    }

    @Test
    void preflightAgainstAClosedPortNamesHostAndPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        assertThatThrownBy(() -> ArtemisParticipant.preflight("events", "tcp://127.0.0.1:" + port, null, null))
                .isInstanceOfSatisfying(TwophaseStartupException.class, e -> {
                    assertThat(e.subject()).contains("events").contains("127.0.0.1:" + port);
                    assertThat(e.action()).contains("127.0.0.1:" + port).contains("twophase.broker.url");
                });
    }

    @Test
    void sharedBrokerIsOnePerJvmAndAnswersXaRecovery() {
        ArtemisBrokerProcess shared = ArtemisBrokerProcess.shared();

        assertThat(shared).isSameAs(ArtemisBrokerProcess.shared());
        try (BrokerProbe probe = new BrokerProbe(shared.url())) {
            assertThat(probe.preparedTransactions()).isEmpty();
        }
    }

    @Test
    void anExternalSharedBrokerCannotBeKilled() {
        Assumptions.assumeTrue(System.getenv(ArtemisBrokerProcess.BROKER_URL_ENV) != null,
                "only with an external broker (" + ArtemisBrokerProcess.BROKER_URL_ENV + ")");

        assertThatThrownBy(ArtemisBrokerProcess.shared()::kill).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ArtemisBrokerProcess.BROKER_URL_ENV);
    }

    private static List<String> ids(List<Xid> xids) {
        return xids.stream().map(TestXid::id).toList();
    }

    /** A plain Xid; the broker returns its own Xid class, so tests compare format id and bytes. */
    private record TestXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {

        TestXid(int formatId, String gtrid, String bqual) {
            this(formatId, gtrid.getBytes(StandardCharsets.UTF_8), bqual.getBytes(StandardCharsets.UTF_8));
        }

        static String id(Xid xid) {
            return xid.getFormatId() + ":" + Arrays.toString(xid.getGlobalTransactionId()) + ":" + Arrays.toString(xid.getBranchQualifier());
        }

        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }
    }
}
