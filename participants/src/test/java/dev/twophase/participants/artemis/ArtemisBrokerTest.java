package dev.twophase.participants.artemis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/** The embedded broker is a real broker: a durable message survives a stop and a start on the same data directory. */
class ArtemisBrokerTest {

    @Test
    void durableMessageSurvivesARestartOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
        try (ArtemisBroker broker = ArtemisBroker.start(dataDir, 7, "127.0.0.1", 0)) {
            assertThat(broker.isActive()).isTrue();
            assertThat(broker.tcpUrl()).isNull();
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(broker.inVmUrl());
                    Connection c = cf.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                var producer = s.createProducer(s.createQueue("kept"));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                producer.send(s.createTextMessage("hello"));
            }
        }

        try (ArtemisBroker broker = ArtemisBroker.start(dataDir, 7, "127.0.0.1", 0);
                ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(broker.inVmUrl());
                Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("kept"));
            TextMessage received = (TextMessage) consumer.receive(5_000);
            assertThat(received).isNotNull();
            assertThat(received.getText()).isEqualTo("hello");
            assertThat(consumer.receiveNoWait()).isNull();
        }
    }
}
