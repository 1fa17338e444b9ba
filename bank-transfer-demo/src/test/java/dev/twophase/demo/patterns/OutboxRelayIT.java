package dev.twophase.demo.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import dev.twophase.demo.patterns.PatternDatabases.Database;
import dev.twophase.testing.ArtemisBrokerProcess;

/**
 * The outbox on the real PostgreSQL and MariaDB (and H2) with the Artemis broker process: an event
 * exists exactly when its local transaction committed, relays running at the same time publish every
 * row once between them without waiting for each other's locked rows, and a relay that fails after
 * its sends publishes those events again (at least once), which consumers deduplicate by event id.
 */
class OutboxRelayIT {

    private static ActiveMQConnectionFactory broker;
    private final String queue = "outbox-it-" + UUID.randomUUID().toString().substring(0, 8);

    static Stream<Database> databases() {
        return PatternDatabases.ALL.stream();
    }

    @BeforeAll
    static void start() throws SQLException {
        PatternDatabases.migrate();
        broker = new ActiveMQConnectionFactory(ArtemisBrokerProcess.shared().url());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anEventIsPublishedOnceExactlyWhenItsTransactionCommitted(Database db) throws Exception {
        List<String> committed = write(db, 5, true);
        write(db, 3, false);
        OutboxRelay relay = new OutboxRelay(db.dataSource(), broker, 2);
        int published = 0;
        for (int n; (n = relay.relayOnce()) > 0;) {
            assertThat(n).isLessThanOrEqualTo(2);
            published += n;
        }
        assertThat(published).isEqualTo(5);
        assertThat(receiveEventIds()).containsExactlyElementsOf(committed);
        assertThat(unpublished(db)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentRelaysPublishEveryRowOnceBetweenThem(Database db) throws Exception {
        List<String> events = write(db, 40, true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> relays = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                OutboxRelay relay = new OutboxRelay(db.dataSource(), broker, 4);
                relays.add(pool.submit(drain(relay)));
            }
            int total = 0;
            for (Future<Integer> f : relays) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(40);
        } finally {
            pool.shutdownNow();
        }
        assertThat(receiveEventIds()).containsExactlyInAnyOrderElementsOf(events);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRelayDoesNotWaitForRowsAnotherRelayHolds(Database db) throws Exception {
        assumeTrue(db != PatternDatabases.H2, "H2 has no SKIP LOCKED: its relays take turns (docs/patterns.md)");
        List<String> events = write(db, 6, true);
        try (Connection holder = db.connect(); PreparedStatement lock = holder.prepareStatement(
                "SELECT id FROM outbox_event WHERE published_at IS NULL ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED")) {
            // Another relay is in the middle of its batch: the two oldest rows are locked.
            try (ResultSet rs = lock.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
            OutboxRelay relay = new OutboxRelay(db.dataSource(), broker, 100);
            long t0 = System.nanoTime();
            int published = relay.relayOnce();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the relay waited for the locked rows").isLessThan(Duration.ofSeconds(5));
            assertThat(published).isEqualTo(4);
            holder.rollback();
        }
        assertThat(new OutboxRelay(db.dataSource(), broker, 100).relayOnce()).isEqualTo(2);
        assertThat(receiveEventIds()).containsExactlyInAnyOrderElementsOf(events);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRelayThatFailsAfterItsSendsPublishesThemAgain(Database db) throws Exception {
        List<String> events = write(db, 2, true);
        OutboxRelay failing = new OutboxRelay(db.dataSource(), broker, 10, () -> {
            throw new IllegalStateException("the relay died before marking its batch");
        });
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(failing::relayOnce);
        assertThat(unpublished(db)).as("rows left unpublished").isEqualTo(2);
        assertThat(new OutboxRelay(db.dataSource(), broker, 10).relayOnce()).isEqualTo(2);
        List<String> received = receiveEventIds();
        assertThat(received).as("at least once: each event twice").hasSize(4);
        assertThat(received.stream().distinct().toList()).containsExactlyInAnyOrderElementsOf(events);
    }

    // ---------------------------------------------------------------------------------------------

    /** {@code n} events, each in its own local transaction with a business row, committed or rolled back. */
    private List<String> write(Database db, int n, boolean commit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connect()) {
            for (int i = 0; i < n; i++) {
                String eventId = UUID.randomUUID().toString();
                Outbox.add(c, new Outbox.Event(eventId, queue, "test", "key-" + i, "{\"eventId\":\"" + eventId + "\"}"));
                if (commit) {
                    c.commit();
                    ids.add(eventId);
                } else {
                    c.rollback();
                }
            }
        }
        return ids;
    }

    private static Callable<Integer> drain(OutboxRelay relay) {
        return () -> {
            int total = 0;
            for (int n; (n = relay.relayOnce()) > 0;) {
                total += n;
            }
            return total;
        };
    }

    /** The eventId properties of every message on this test's queue, in order; the queue is empty after. */
    private List<String> receiveEventIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (jakarta.jms.Connection c = broker.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
            c.start();
            for (Message m; (m = consumer.receive(500)) != null;) {
                ids.add(m.getStringProperty("eventId"));
            }
        }
        return ids;
    }

    private static int unpublished(Database db) throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM outbox_event WHERE published_at IS NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
