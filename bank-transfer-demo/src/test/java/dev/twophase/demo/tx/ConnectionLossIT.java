package dev.twophase.demo.tx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;
import dev.twophase.testing.ArtemisBrokerProcess;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Participants' connections lost under the application, on the real servers: a dead pooled
 * connection found before anything was done costs a retry on a fresh one, not a failed request;
 * a request that fails anyway gets a typed answer and changes nothing.
 */
class ConnectionLossIT extends RealParticipantsTest {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    @Qualifier("bank-a")
    JdbcTemplate bankAJdbc;

    Api api() {
        return new Api(port);
    }

    @Test
    void aTransferAfterBankAsBackendsWereTerminatedRunsAgainOnFreshConnectionsAndCommits() throws Exception {
        // Connections in the pool, used once.
        Api.Response warm = api().transfer("A", "A-0007", "B", "B-0007", 100, UUID.randomUUID().toString());
        assertThat(warm.status()).as(warm.raw().body()).isEqualTo(201);
        awaitConsistent();
        long fromBefore = balance(bankA, "A-0007");
        long toBefore = balance(bankB, "B-0007");

        long terminated = bankA.queryLong("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()");
        assertThat(terminated).as("backends of the application terminated").isPositive();

        Api.Response response = api().transfer("A", "A-0007", "B", "B-0007", 2500, UUID.randomUUID().toString());

        assertThat(response.status()).as(response.raw().body()).isEqualTo(201);
        assertThat(balance(bankA, "A-0007")).isEqualTo(fromBefore - 2500);
        assertThat(balance(bankB, "B-0007")).isEqualTo(toBefore + 2500);
        awaitConsistent();
        assertThat(inboxCountFor(response.body().get("id").asText())).isEqualTo(1);
        assertThat(preparedAnywhere()).isEmpty();
    }

    /**
     * The backend dies in the middle of the work, after the pool validated the connection: the
     * transaction is rolled back, runs once more on a fresh connection and commits once.
     */
    @Test
    void aConnectionKilledUnderTheWorkIsReplacedAndTheTransactionRunsOnceMore() {
        bankA.execute("CREATE TABLE it_retry_probe (attempt INT NOT NULL)");
        try {
            double retriesBefore = retries();
            FlowTransactions tx = new FlowTransactions(transactionManager, List.of(),
                    FlowTransactions.retryCounter(meters, "it"));
            AtomicInteger attempts = new AtomicInteger();

            String result = tx.execute(status -> {
                int attempt = attempts.incrementAndGet();
                bankAJdbc.update("INSERT INTO it_retry_probe (attempt) VALUES (?)", attempt);
                if (attempt == 1) {
                    // PostgreSQL ends this connection's backend from outside, as an operator or a failover would.
                    long pid = bankAJdbc.queryForObject("SELECT pg_backend_pid()", Long.class);
                    assertThat(bankA.queryLong("SELECT COUNT(pg_terminate_backend(CAST(? AS INTEGER)))", pid)).isEqualTo(1);
                }
                return bankAJdbc.queryForObject("SELECT 'done on attempt ' || ?", String.class, attempt);
            });

            assertThat(result).isEqualTo("done on attempt 2");
            assertThat(attempts).hasValue(2);
            assertThat(retries()).isEqualTo(retriesBefore + 1);
            // The first attempt's insert died with its backend; the second one committed.
            assertThat(bankA.queryLong("SELECT COUNT(*) FROM it_retry_probe")).isEqualTo(1);
            assertThat(bankA.queryLong("SELECT MIN(attempt) FROM it_retry_probe")).isEqualTo(2);
            assertThat(preparedAnywhere()).isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            bankA.execute("DROP TABLE it_retry_probe");
        }
    }

    @Test
    void afterTheBrokerIsKilledAndRestartedEveryRequestGetsASuccessOrATypedRollbackThatChangedNothing() throws Exception {
        Api.Response warm = api().transfer("A", "A-0008", "B", "B-0008", 100, UUID.randomUUID().toString());
        assertThat(warm.status()).as(warm.raw().body()).isEqualTo(201);
        awaitConsistent();
        long totalBefore = total(bankA) + total(bankB);
        long fromBefore = balance(bankA, "A-0008");
        long transfersBefore = rows(bankA, "transfer");

        ArtemisBrokerProcess broker = ArtemisBrokerProcess.shared();
        broker.kill();
        broker.restart();
        // Right after the restart, while the pool still holds connections of the dead broker.
        List<Api.Response> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Api.Response>> sent = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                sent.add(clients.submit(() -> api().transfer("A", "A-0008", "B", "B-0008", 10, UUID.randomUUID().toString())));
            }
            for (Future<Api.Response> f : sent) {
                answers.add(f.get());
            }
        } finally {
            clients.shutdownNow();
        }

        long committed = 0;
        for (Api.Response a : answers) {
            assertThat(a.status()).as(a.raw().body()).isIn(201, 503);
            if (a.status() == 201) {
                committed++;
            } else {
                assertThat(a.contentType()).startsWith("application/problem+json");
                assertThat(a.body().get("type").asText()).endsWith("/problems/rolled-back");
                assertThat(a.body().get("outcome").asText()).isEqualTo("rolled back");
                assertThat(a.raw().body()).doesNotContain("Exception", "java.", "com.atomikos", "org.apache");
            }
        }
        awaitConsistent();
        // Exactly the answered successes happened: a 503 changed nothing.
        assertThat(rows(bankA, "transfer")).isEqualTo(transfersBefore + committed);
        assertThat(balance(bankA, "A-0008")).isEqualTo(fromBefore - 10 * committed);
        assertThat(total(bankA) + total(bankB)).isEqualTo(totalBefore);
        assertThat(preparedAnywhere()).isEmpty();
        // And the broker path is whole again.
        Api.Response next = api().transfer("A", "A-0008", "B", "B-0008", 10, UUID.randomUUID().toString());
        assertThat(next.status()).as(next.raw().body()).isEqualTo(201);
    }

    double retries() {
        return meters.find(FlowTransactions.RETRIES_METRIC).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
