package dev.twophase.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XidText;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.artemis.ArtemisParticipant;
import dev.twophase.participants.artemis.ArtemisParticipantSettings;
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
        Xid xid = PlainXid.of(0x7470, "transfer-1", "branch-broker");

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
            assertThat(ids(probe.preparedTransactions())).containsExactly(XidText.key(xid));
            assertThat(probe.messageCount(QUEUE)).isZero();

            broker.kill();
            assertThat(broker.isAlive()).isFalse();
            broker.restart();
            assertThat(broker.isAlive()).isTrue();

            assertThat(ids(probe.preparedTransactions())).containsExactly(XidText.key(xid));
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

        ArtemisParticipant.preflight(ArtemisParticipantSettings.of("events", broker.url(), null, null, 1));
    }

    @Test
    void preflightAgainstAClosedPortNamesHostAndPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        assertThatThrownBy(() -> ArtemisParticipant.preflight(ArtemisParticipantSettings.of("events", "tcp://127.0.0.1:" + port, null, null, 1)))
                .isInstanceOfSatisfying(TwophaseStartupException.class, e -> {
                    assertThat(e.subject()).contains("events").contains("127.0.0.1:" + port);
                    assertThat(e.action()).contains("127.0.0.1:" + port).contains("twophase.participants.jms.events.url");
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

    /** The broker returns its own Xid class, so branches are compared by format id and bytes. */
    private static List<XidText.Key> ids(List<Xid> xids) {
        return xids.stream().map(XidText::key).toList();
    }
}
