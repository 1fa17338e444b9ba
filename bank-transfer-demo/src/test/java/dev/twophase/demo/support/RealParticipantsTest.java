package dev.twophase.demo.support;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twophase.demo.consistency.ConsistencyChecker;
import dev.twophase.demo.consistency.ConsistencyReport;
import dev.twophase.testing.ArtemisBrokerProcess;
import dev.twophase.testing.BrokerProbe;
import dev.twophase.testing.DatabaseProbe;

/**
 * Base of the tests that run the demo in the {@code real} profile against the real PostgreSQL
 * (bank A), the real MySQL/MariaDB (bank B) and an Artemis broker in its own JVM. The databases
 * are emptied and every leftover prepared branch rolled back before the application starts, so
 * Flyway seeds them afresh. Each test class runs in its own JVM (one Atomikos per JVM).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("real")
public abstract class RealParticipantsTest {

    /** Initial total of each bank: ten accounts of 100000 cents. */
    protected static final long BANK_TOTAL = 10 * 100_000L;
    protected static final String TRANSFERS_QUEUE = "transfers";

    protected static final DatabaseProbe bankA = DatabaseProbe.postgres();
    protected static final DatabaseProbe bankB = DatabaseProbe.mysql();

    @DynamicPropertySource
    static void participants(DynamicPropertyRegistry registry) {
        bankA.reset();
        bankB.reset();
        ArtemisBrokerProcess broker = ArtemisBrokerProcess.shared();
        Path dataDir = Path.of("target", "it-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
        registry.add("twophase.data-dir", dataDir::toString);
        registry.add("twophase.participants.jdbc.bank-a.url", () -> bankA.server().url());
        registry.add("twophase.participants.jdbc.bank-a.username", () -> bankA.server().username());
        registry.add("twophase.participants.jdbc.bank-a.password", () -> bankA.server().password());
        registry.add("twophase.participants.jdbc.bank-b.url", () -> bankB.server().url());
        registry.add("twophase.participants.jdbc.bank-b.username", () -> bankB.server().username());
        registry.add("twophase.participants.jdbc.bank-b.password", () -> bankB.server().password());
        registry.add("twophase.participants.jms.broker.url", broker::url);
        registry.add("twophase.coordinator.tm-name", () -> "it-" + ProcessHandle.current().pid());
    }

    @Autowired
    protected ConsistencyChecker consistencyChecker;

    /** The consistency checker must pass after every test: all invariants, events drained, nothing prepared. */
    @AfterEach
    protected void consistencyCheckerPassesAfterTheTest() {
        awaitConsistent();
    }

    /**
     * Waits (up to 20 s: events may still be on their way to the inbox) until every invariant
     * passes and keeps passing for half a second, and fails with the last report otherwise. The
     * half second lets an event that should not exist, but was already being delivered when a
     * single check looked, reach the inbox and show up as a phantom.
     */
    protected ConsistencyReport awaitConsistent() {
        return awaitConsistent(Duration.ofSeconds(20));
    }

    /** Like {@link #awaitConsistent()}, for a load that leaves a longer backlog of events to consume. */
    protected ConsistencyReport awaitConsistent(Duration atMost) {
        AtomicReference<ConsistencyReport> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(atMost).during(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        last.set(consistencyChecker.check());
                        return last.get().consistent();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the consistency checker did not pass within " + atMost.toSeconds() + " s: " + last.get(), e);
        }
        return last.get();
    }

    /** Consumed events of one type in bank A's inbox. */
    protected static long inboxCount(String eventType) {
        return bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE event_type = ?", eventType);
    }

    /** Consumed events for one business record. */
    protected static long inboxCountFor(String businessKey) {
        return bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE business_key = ?", businessKey);
    }

    protected static BrokerProbe brokerProbe() {
        return new BrokerProbe(ArtemisBrokerProcess.shared().url());
    }

    public static long balance(DatabaseProbe bank, String account) {
        return bank.queryLong("SELECT balance_cents FROM account WHERE id = ?", account);
    }

    protected static long total(DatabaseProbe bank) {
        return bank.queryLong("SELECT SUM(balance_cents) FROM account");
    }

    protected static long rows(DatabaseProbe bank, String table) {
        return bank.queryLong("SELECT COUNT(*) FROM " + table);
    }

    protected static int queued() throws Exception {
        try (BrokerProbe probe = brokerProbe()) {
            return probe.messageCount(TRANSFERS_QUEUE);
        }
    }

    /** Prepared branches left on any of the three participants. */
    public static List<String> preparedAnywhere() throws Exception {
        try (BrokerProbe probe = brokerProbe()) {
            List<String> all = new java.util.ArrayList<>();
            bankA.preparedBranches().forEach(x -> all.add("bank-a: " + x));
            bankB.preparedBranches().forEach(x -> all.add("bank-b: " + x));
            probe.preparedTransactions().forEach(x -> all.add("broker: " + x));
            return all;
        }
    }
}
