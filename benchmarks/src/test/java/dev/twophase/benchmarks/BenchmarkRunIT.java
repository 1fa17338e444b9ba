package dev.twophase.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twophase.testing.ArtemisBrokerProcess;
import dev.twophase.testing.DatabaseProbe;
import dev.twophase.testing.TestServers;

/**
 * The benchmark command end to end, shortened: every mode at 1 and 2 clients against the test
 * PostgreSQL, MariaDB/MySQL and a broker in its own JVM, the demo modes (Saga, TCC, outbox and XA
 * over HTTP) in the demo jar this build packaged. Each measurement must have completed transfers,
 * no errors, and left exactly its transfers' rows, balances and messages behind (the command counts
 * them and exits 1 otherwise; for the demo modes also once the demo's consistency checker passed);
 * the table and the Markdown report must hold them.
 */
class BenchmarkRunIT {

    @TempDir
    Path work;

    @Test
    void runsEveryModeChecksItsEffectsAndWritesTheReport() throws Exception {
        DatabaseProbe.postgres().reset();
        DatabaseProbe.mysql().reset();
        TestServers.Jdbc pg = TestServers.postgres();
        TestServers.Jdbc mysql = TestServers.mysql();
        Path report = work.resolve("results.md");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = BenchmarkCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "--clients", "1,2", "--jit-warmup", "1s", "--warmup", "0.5s", "--rounds", "1", "--round", "1s", "--accounts", "50",
                "--pg-url", pg.url(), "--pg-user", pg.username(), "--pg-password", pg.password(),
                "--mysql-url", mysql.url(), "--mysql-user", mysql.username(), "--mysql-password", mysql.password(),
                "--broker-url", ArtemisBrokerProcess.shared().url(), "--work-dir", work.resolve("work").toString(),
                "--demo-jar", demoJar().toString(), "--output", report.toString());

        String console = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(console + err.toString(StandardCharsets.UTF_8)).isZero();
        for (Mode mode : Mode.values()) {
            for (int clients : new int[] {1, 2}) {
                assertThat(console).containsPattern("(?m)^" + mode.key().replace("-", "\\-") + " +" + clients + " +[0-9]+\\.[0-9] .* 0  ok$");
            }
        }
        assertThat(console).doesNotContain("CHECK FAILED").contains("fsync median");
        String markdown = Files.readString(report);
        assertThat(markdown).contains("# Benchmark results", "| a | XA: PostgreSQL + MySQL + broker | 1 |", "| d-local |",
                "PostgreSQL 15", "MariaDB", "## Targets", "bench-broker prepare",
                // Narayana beside us: its rows, what it ran on, and the comparison target at more than one client.
                "| n-a | Narayana XA: PostgreSQL + MySQL + broker | 2 |", "Peer (mode n-a", "journal object store",
                "twophase's XA throughput (a) is at least Narayana's on the same flow (n-a), 2 clients",
                // The patterns beside XA, with the time each took to be consistent.
                "## Saga, TCC and outbox beside XA: the demo over HTTP", "| p-saga | demo over HTTP: Saga | 1 |",
                "| p-tcc | demo over HTTP: TCC | 2 |", "| p-outbox | demo over HTTP: outbox | 2 |", "consistent after s");
        assertThat(console).containsPattern("(?m)^p-outbox +demo over HTTP: outbox +clients +2 \\.\\.\\. .* consistent after [0-9]+\\.[0-9] s  errors 0  check ok$");
        // The broker got one message per transfer of modes a, n-a and c, and the command drained them all.
        assertThat(console).doesNotContain("messages for");
    }

    /** The demo jar the reactor packaged before this module's integration tests (bank-transfer-demo builds first). */
    private static Path demoJar() throws java.io.IOException {
        try (var jars = Files.list(Path.of("..", "bank-transfer-demo", "target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("bank-transfer-demo-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no bank-transfer-demo jar in ../bank-transfer-demo/target: build the"
                            + " demo first (./mvnw -B install -DskipTests -pl bank-transfer-demo -am)"));
        }
    }
}
