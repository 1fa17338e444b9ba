package dev.twophase.participants.artemis;

import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * A real, persistent ActiveMQ Artemis broker running inside the current JVM.
 *
 * <p>Use it for the embedded default (a fresh machine without a broker) and, through
 * {@link StandaloneBroker}, as a broker in its own process for tests. Its journal is synced to
 * disk on every transactional record and every durable send, so an XA prepare or commit that the
 * broker acknowledged survives a crash. Security is off and there is no JMX, so it is not meant
 * to face a network: its TCP acceptor, when there is one, should listen on a loopback address.
 * For production, run a real Artemis installation instead.
 *
 * <p>Clients in the same JVM connect with {@code vm://<serverId>}; over TCP with
 * {@code tcp://host:port} (core protocol only). Queues and addresses are created on first use and
 * never deleted automatically. Messages that exhaust their redeliveries go to {@value #DEAD_LETTER_QUEUE},
 * expired ones to {@value #EXPIRY_QUEUE}.
 */
public final class ArtemisBroker implements AutoCloseable {

    /** Where a message goes after its last failed delivery attempt. */
    public static final String DEAD_LETTER_QUEUE = "DLQ";
    /** Where an expired message goes. */
    public static final String EXPIRY_QUEUE = "ExpiryQueue";

    /**
     * How long the journal's write buffer waits, after it has written and synced a batch, before the
     * next sync. Artemis's NIO default is 3.33 ms (at most 300 syncs a second), and a lone writer's
     * next sync waits out the rest of it: an XA send that syncs on prepare and on commit paid up to
     * twice that. 0.5 ms is Artemis's default for its native (AIO) journal: concurrent records still
     * share a sync, and the timer still sleeps rather than spins (a sleep much shorter than the
     * kernel's timer slack makes Artemis switch to spinning, a core lost on a small machine).
     * Measured in docs/benchmarks.md.
     */
    static final int JOURNAL_BUFFER_TIMEOUT_NS = 500_000;

    private final EmbeddedActiveMQ server;
    private final String inVmUrl;
    private final String tcpUrl;

    private ArtemisBroker(EmbeddedActiveMQ server, String inVmUrl, String tcpUrl) {
        this.server = server;
        this.inVmUrl = inVmUrl;
        this.tcpUrl = tcpUrl;
    }

    /**
     * Starts a broker with in-VM server id 0.
     *
     * @param dataDir where journal, bindings, paging and large messages live; reusing it restores
     *                durable messages and prepared transactions
     * @param port    TCP port for the core-protocol acceptor on {@code host}; 0 or negative for none
     */
    public static ArtemisBroker start(Path dataDir, String host, int port) throws Exception {
        return start(dataDir, 0, host, port);
    }

    /**
     * Starts a broker. Two brokers in one JVM need different {@code inVmServerId}s.
     *
     * @throws Exception whatever Artemis throws when it cannot start (e.g. the port is taken)
     */
    public static ArtemisBroker start(Path dataDir, int inVmServerId, String host, int port) throws Exception {
        Path dir = dataDir.toAbsolutePath();
        String inVmUrl = "vm://" + inVmServerId;
        String tcpUrl = port > 0 ? "tcp://" + host + ":" + port : null;
        Configuration config = new ConfigurationImpl()
                .setName("twophase-" + inVmServerId)
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                // NIO: no native libaio needed, and each sync is a plain fsync.
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setJournalSyncTransactional(true)
                .setJournalSyncNonTransactional(true)
                .setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NS)
                .addAddressSetting("#", new AddressSettings()
                        .setAutoCreateAddresses(true)
                        .setAutoCreateQueues(true)
                        // A queue deleted while empty would drop the routing of a prepared send.
                        .setAutoDeleteAddresses(false)
                        .setAutoDeleteQueues(false)
                        // Without these, a message that exhausts its redeliveries or expires is dropped.
                        .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_QUEUE))
                        .setExpiryAddress(SimpleString.of(EXPIRY_QUEUE)))
                .addQueueConfiguration(QueueConfiguration.of(DEAD_LETTER_QUEUE).setRoutingType(RoutingType.ANYCAST))
                .addQueueConfiguration(QueueConfiguration.of(EXPIRY_QUEUE).setRoutingType(RoutingType.ANYCAST));
        config.addAcceptorConfiguration("in-vm", inVmUrl);
        if (tcpUrl != null) {
            config.addAcceptorConfiguration("tcp", tcpUrl + "?protocols=CORE");
        }
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
        server.start();
        return new ArtemisBroker(server, inVmUrl, tcpUrl);
    }

    /** {@code vm://<serverId>}, for clients in this JVM. */
    public String inVmUrl() {
        return inVmUrl;
    }

    /** {@code tcp://host:port}, or {@code null} when the broker has no TCP acceptor. */
    public String tcpUrl() {
        return tcpUrl;
    }

    /** Whether the broker is started and serving clients. */
    public boolean isActive() {
        return server.getActiveMQServer() != null && server.getActiveMQServer().isActive();
    }

    /**
     * Stops the broker; durable messages and prepared transactions stay in the data directory.
     *
     * @throws IllegalStateException when Artemis fails to stop (the journal may not have been closed cleanly; it is
     *                               recovered on the next start)
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the Artemis broker " + inVmUrl + " did not stop cleanly", e);
        }
    }
}
