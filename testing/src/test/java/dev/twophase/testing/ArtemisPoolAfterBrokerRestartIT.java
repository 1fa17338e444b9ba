package dev.twophase.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.atomikos.icatch.config.UserTransactionServiceImp;
import com.atomikos.icatch.jta.UserTransactionManager;
import com.atomikos.jms.AtomikosConnectionFactoryBean;

import dev.twophase.participants.artemis.ArtemisParticipant;
import dev.twophase.participants.artemis.ArtemisParticipantSettings;
import dev.twophase.coordinator.metrics.XaPhaseMetrics;
import dev.twophase.coordinator.recovery.HeuristicGuard;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.xa.XaResourceChain;
import jakarta.jms.Connection;
import jakarta.jms.Session;

/**
 * After the broker died and came back, the pooled XA connection factory serves the very next
 * transaction: connections that sat idle through the restart are dropped when the broker
 * connection is lost, instead of each failing one request first.
 */
class ArtemisPoolAfterBrokerRestartIT {

    static final int IDLE_CONNECTIONS = 4;

    @TempDir
    Path dir;

    private ArtemisBrokerProcess broker;
    private UserTransactionServiceImp service;
    private UserTransactionManager tm;
    private AtomikosConnectionFactoryBean pool;

    @BeforeEach
    void brokerAtomikosAndAFullPool() throws Exception {
        broker = ArtemisBrokerProcess.start(dir.resolve("broker"));
        Properties props = new Properties();
        props.setProperty("com.atomikos.icatch.tm_unique_name", "pool-it.");
        props.setProperty("com.atomikos.icatch.log_base_dir", dir.resolve("tx-log").toString());
        props.setProperty("com.atomikos.icatch.registered", "true");
        service = new UserTransactionServiceImp(props);
        service.init();
        tm = new UserTransactionManager();
        tm.setStartupTransactionService(false);
        tm.init();
        pool = ArtemisParticipant.connectionFactory(
                ArtemisParticipantSettings.of("pool-it-broker", broker.url(), null, null, IDLE_CONNECTIONS), new XaResourceChain(
                        new HeuristicGuard(new HeuristicRegistry()), new XaPhaseMetrics(), java.util.List.of()));
        // Opened at init and left idle: the connections a restart used to leave dead in the pool.
        pool.setMinPoolSize(IDLE_CONNECTIONS);
        pool.init();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (tm != null) {
            tm.close();
        }
        if (service != null) {
            service.shutdownForce();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theFirstTransactionAfterABrokerRestartCommits() throws Exception {
        broker.kill();
        broker.restart();

        tm.begin();
        try (Connection connection = pool.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            session.createProducer(session.createQueue("after-restart")).send(session.createTextMessage("hello"));
        }
        tm.commit();

        try (BrokerProbe probe = new BrokerProbe(broker.url())) {
            assertThat(probe.messageCount("after-restart")).isEqualTo(1);
            assertThat(probe.preparedTransactions()).isEmpty();
        }
    }
}
