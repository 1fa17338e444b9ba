package dev.twophase.participants.autoconfigure;

import java.nio.file.Path;

import org.springframework.jms.core.JmsTemplate;

import com.atomikos.jms.AtomikosConnectionFactoryBean;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.participants.artemis.ArtemisBroker;
import dev.twophase.participants.artemis.ArtemisParticipant;
import dev.twophase.participants.artemis.ArtemisParticipantSettings;
import jakarta.jms.ConnectionFactory;

/** Factory methods of the beans of a {@code twophase.participants.jms.<name>} participant. */
final class JmsParticipantBeans {

    private JmsParticipantBeans() {
    }

    /** The pool, not yet started, after the preflight check has reached the broker. */
    static AtomikosConnectionFactoryBean connectionFactory(ArtemisParticipantSettings settings, XaResourceChain chain) {
        ArtemisParticipant.preflight(settings);
        return ArtemisParticipant.connectionFactory(settings, chain);
    }

    /** The pooled-jms factory, not yet started, after the preflight check has reached the broker. */
    static dev.twophase.participants.artemis.PooledXaConnectionFactory pooledConnectionFactory(ArtemisParticipantSettings settings,
            XaResourceChain chain, jakarta.transaction.TransactionManager transactionManager) {
        ArtemisParticipant.preflight(settings);
        return ArtemisParticipant.pooledConnectionFactory(settings, chain, transactionManager);
    }

    static JmsTemplate jmsTemplate(ConnectionFactory connectionFactory) {
        return ArtemisParticipant.jmsTemplate(connectionFactory);
    }

    /** A started broker in this JVM, reachable at {@code vm://<serverId>}. */
    static ArtemisBroker embeddedBroker(Path dataDir, int serverId) {
        try {
            return ArtemisBroker.start(dataDir, serverId, null, -1);
        } catch (Exception e) {
            throw new TwophaseStartupException("embedded Artemis broker vm://" + serverId,
                    "it did not start with data directory " + dataDir.toAbsolutePath() + " (" + e + ")",
                    "Check that the directory is writable and not used by another broker, or set the participant's"
                            + " embedded.data-dir to another directory.", e);
        }
    }
}
