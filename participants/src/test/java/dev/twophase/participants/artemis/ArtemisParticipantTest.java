package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;
import org.junit.jupiter.api.Test;

import com.atomikos.jms.AtomikosConnectionFactoryBean;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.participants.TestChains;

class ArtemisParticipantTest {

    @Test
    void buildsAnXaPoolThatFailsFastWhenTheBrokerIsGone() {
        AtomikosConnectionFactoryBean bean = ArtemisParticipant.connectionFactory(
                ArtemisParticipantSettings.of("events", "tcp://127.0.0.1:61616", "u", "p", 5), TestChains.plain());

        assertThat(bean.getUniqueResourceName()).isEqualTo("events");
        assertThat(bean.getLocalTransactionMode()).isFalse();
        assertThat(bean.getMinPoolSize()).isEqualTo(1);
        assertThat(bean.getMaxPoolSize()).isEqualTo(5);
        assertThat(bean.getBorrowConnectionTimeout()).isEqualTo(30);
        ActiveMQXAConnectionFactory xa = (ActiveMQXAConnectionFactory) XaResourceChain.unwrap(bean.getXaConnectionFactory());
        // Literals, not the class's constants: a dead broker must fail a call within 10 s.
        assertThat(xa.getCallTimeout()).isEqualTo(10_000);
        assertThat(xa.getInitialConnectAttempts()).isEqualTo(1);
        assertThat(xa.getReconnectAttempts()).isZero();
        assertThat(xa.getConnectionTTL()).isEqualTo(30_000);
        assertThat(xa.isBlockOnDurableSend()).isTrue();
        assertThat(xa.getUser()).isEqualTo("u");
    }

    @Test
    void keepsClientSettingsThatTheUrlGives() {
        AtomikosConnectionFactoryBean bean = ArtemisParticipant.connectionFactory(ArtemisParticipantSettings.of("events",
                "tcp://127.0.0.1:61616?callTimeout=2500&reconnectAttempts=3", null, null, 1), TestChains.plain());

        ActiveMQXAConnectionFactory xa = (ActiveMQXAConnectionFactory) XaResourceChain.unwrap(bean.getXaConnectionFactory());
        assertThat(xa.getCallTimeout()).isEqualTo(2500);
        assertThat(xa.getReconnectAttempts()).isEqualTo(3);
    }

    @Test
    void refusesAUrlThatMakesDurableSendsAsynchronous() {
        assertThatThrownBy(() -> ArtemisParticipant.connectionFactory(ArtemisParticipantSettings.of("events",
                "tcp://127.0.0.1:61616?blockOnDurableSend=false", null, null, 1), TestChains.plain()))
                .isInstanceOf(TwophaseStartupException.class)
                .hasMessageContaining("blockOnDurableSend=false")
                .extracting(e -> ((TwophaseStartupException) e).action()).asString()
                .contains("twophase.participants.jms.events.url");
    }

    @Test
    void preflightAgainstAClosedPortNamesTheParticipantAndTheAddress() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;

        assertThatThrownBy(() -> ArtemisParticipant.preflight(ArtemisParticipantSettings.of("events", "tcp://" + address, null, null, 1)))
                .isInstanceOfSatisfying(TwophaseStartupException.class, e -> {
                    assertThat(e.subject()).isEqualTo("participant 'events' (Artemis broker at " + address + ")");
                    assertThat(e.getMessage()).contains("no broker answered at " + address);
                    assertThat(e.action()).contains("Start the Artemis broker at " + address)
                            .contains("set twophase.participants.jms.events.url to the running broker");
                    assertThat(e.getCause()).isNotNull();
                });
    }
}
