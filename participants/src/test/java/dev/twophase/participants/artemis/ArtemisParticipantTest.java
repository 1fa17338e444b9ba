package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;
import org.junit.jupiter.api.Test;

import com.atomikos.jms.AtomikosConnectionFactoryBean;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.fault.FaultInjection;

class ArtemisParticipantTest {

    @Test
    void buildsAnXaPoolThatFailsFastWhenTheBrokerIsGone() {
        AtomikosConnectionFactoryBean bean = ArtemisParticipant.connectionFactory("events", "tcp://127.0.0.1:61616", "u", "p", 5);

        assertThat(bean.getUniqueResourceName()).isEqualTo("events");
        assertThat(bean.getLocalTransactionMode()).isFalse();
        assertThat(bean.getMinPoolSize()).isEqualTo(1);
        assertThat(bean.getMaxPoolSize()).isEqualTo(5);
        assertThat(bean.getBorrowConnectionTimeout()).isEqualTo(30);
        ActiveMQXAConnectionFactory xa = (ActiveMQXAConnectionFactory) FaultInjection.unwrap(bean.getXaConnectionFactory());
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
        AtomikosConnectionFactoryBean bean = ArtemisParticipant.connectionFactory("events",
                "tcp://127.0.0.1:61616?callTimeout=2500&reconnectAttempts=3", null, null, 1);

        ActiveMQXAConnectionFactory xa = (ActiveMQXAConnectionFactory) FaultInjection.unwrap(bean.getXaConnectionFactory());
        assertThat(xa.getCallTimeout()).isEqualTo(2500);
        assertThat(xa.getReconnectAttempts()).isEqualTo(3);
    }

    @Test
    void refusesAUrlThatMakesDurableSendsAsynchronous() {
        assertThatThrownBy(() -> ArtemisParticipant.connectionFactory("events",
                "tcp://127.0.0.1:61616?blockOnDurableSend=false", null, null, 1))
                .isInstanceOf(TwophaseStartupException.class)
                .hasMessageContaining("blockOnDurableSend=false")
                .extracting(e -> ((TwophaseStartupException) e).action()).asString()
                .contains("twophase.broker.url");
    }

    @Test
    void preflightAgainstAClosedPortNamesTheParticipantAndTheAddress() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;

        assertThatThrownBy(() -> ArtemisParticipant.preflight("events", "tcp://" + address, null, null))
                .isInstanceOfSatisfying(TwophaseStartupException.class, e -> {
                    assertThat(e.subject()).isEqualTo("participant 'events' (Artemis broker at " + address + ")");
                    assertThat(e.getMessage()).contains("no broker answered at " + address);
                    assertThat(e.action()).contains("Start the Artemis broker at " + address).contains("twophase.broker.url");
                    assertThat(e.getCause()).isNotNull();
                });
    }
}
