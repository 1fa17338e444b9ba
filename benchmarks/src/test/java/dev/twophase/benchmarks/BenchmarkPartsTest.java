package dev.twophase.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the benchmark that need no server: load driver, fsync probe, checks, forced-write counts, options. */
class BenchmarkPartsTest {

    @TempDir
    Path dir;

    @Test
    void theLoadDriverCountsWhatCompletedAndMeasuresItsLatency() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        LoadDriver.Measurement m = LoadDriver.run(2, Duration.ofMillis(100), 2, Duration.ofMillis(300), () -> {
            if (calls.incrementAndGet() % 10 == 0) {
                throw new IllegalStateException("every tenth fails");
            }
            Thread.sleep(5);
        });

        assertThat(m.clients()).isEqualTo(2);
        assertThat(m.roundThroughputs()).hasSize(2);
        // Two clients sleeping 5 ms: at most 400 operations a second, and surely more than 100.
        assertThat(m.throughput()).isBetween(100.0, 400.0);
        assertThat(m.p50Millis()).isBetween(4.5, 50.0);
        assertThat(m.p99Millis()).isGreaterThanOrEqualTo(m.p50Millis());
        assertThat(m.errors()).isPositive();
        assertThat(m.firstError()).contains("every tenth fails");
        assertThat(m.completedInAll()).isGreaterThan(m.latencies().getTotalCount());
        assertThat(m.completedInAll() + calls.get() / 10).isLessThanOrEqualTo(calls.get() + 1);
    }

    @Test
    void theFsyncProbeTimesForcedWritesAndLeavesNothingBehind() throws Exception {
        FsyncProbe.Result r = FsyncProbe.measure(dir, 20);
        assertThat(r.samples()).isEqualTo(20);
        assertThat(r.medianMillis()).isPositive().isLessThanOrEqualTo(r.p99Millis());
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aRunWhoseEffectsDoNotMatchItsCompletedTransfersFails() {
        assertThat(BenchData.verify(Mode.XA_DBS_BROKER, 10, new BenchData.Effects(10, 20, 0, 10))).isNull();
        assertThat(BenchData.verify(Mode.XA_DBS, 10, new BenchData.Effects(10, 20, 0, 0))).isNull();
        assertThat(BenchData.verify(Mode.XA_DBS_BROKER, 10, new BenchData.Effects(10, 20, 0, 9))).contains("9 messages for 10 expected");
        assertThat(BenchData.verify(Mode.BASELINE, 10, new BenchData.Effects(11, 22, 0, 10))).contains("11 registry rows for 10");
        assertThat(BenchData.verify(Mode.LOCAL, 10, new BenchData.Effects(10, 19, 0, 0))).contains("19 ledger rows");
        assertThat(BenchData.verify(Mode.ONE_PHASE_XA, 10, new BenchData.Effects(10, 20, 3, 0))).contains("balances off by 3");
        assertThat(BenchData.verify(Mode.XA_DBS, 10, new BenchData.Effects(10, 20, 0, 1))).contains("1 messages for 0 expected");
    }

    @Test
    void forcedWritesOnTheCriticalPath() {
        // Sequential 2PC over PostgreSQL, MariaDB without binary log and the broker: 3 prepares, COMMITTING, 3 commits, TERMINATED.
        assertThat(ForcedWrites.onCriticalPath(Mode.XA_DBS_BROKER, false, false, true)).isEqualTo(8);
        assertThat(ForcedWrites.onCriticalPath(Mode.XA_DBS_BROKER, false, true, true)).isEqualTo(4);
        assertThat(ForcedWrites.onCriticalPath(Mode.XA_DBS_BROKER, true, false, true)).isEqualTo(10);
        assertThat(ForcedWrites.onCriticalPath(Mode.NARAYANA_DBS_BROKER, false, false, true)).isEqualTo(8);
        assertThat(ForcedWrites.onCriticalPath(Mode.XA_DBS, false, false, true)).isEqualTo(6);
        assertThat(ForcedWrites.onCriticalPath(Mode.BASELINE, false, false, true)).isEqualTo(3);
        assertThat(ForcedWrites.onCriticalPath(Mode.ONE_PHASE_XA, false, false, true)).isEqualTo(3);
        assertThat(ForcedWrites.onCriticalPath(Mode.ONE_PHASE_XA, false, false, false)).isEqualTo(1);
        assertThat(ForcedWrites.onCriticalPath(Mode.LOCAL, false, false, false)).isEqualTo(1);
    }

    @Test
    void modesByKeyAndTheirReferences() {
        assertThat(Mode.ofKey("a")).isEqualTo(Mode.XA_DBS_BROKER);
        assertThat(Mode.ofKey(" D-XA ")).isEqualTo(Mode.ONE_PHASE_XA);
        assertThat(Mode.XA_DBS_BROKER.reference()).isEqualTo(Mode.BASELINE);
        assertThat(Mode.ONE_PHASE_XA.reference()).isEqualTo(Mode.LOCAL);
        assertThat(Mode.ofKey("n-a").reference()).isEqualTo(Mode.BASELINE);
        assertThatIllegalArgumentException().isThrownBy(() -> Mode.ofKey("e")).withMessageContaining("use a, n-a, b, c, d-xa, d-local");
        // The demo's modes: the patterns beside XA, each sent to the demo's API as its mode, compared with the baseline.
        assertThat(Mode.ofKey("p-saga")).isEqualTo(Mode.DEMO_SAGA);
        assertThat(Mode.ofKey("p-outbox").requestMode()).isEqualTo("outbox");
        assertThat(Mode.DEMO_XA.requestMode()).isEqualTo("xa");
        assertThat(Mode.DEMO_TCC.reference()).isEqualTo(Mode.BASELINE);
        assertThat(Mode.DEMO_TCC.demo()).isTrue();
        assertThat(Mode.XA_DBS_BROKER.demo()).isFalse();
        assertThatIllegalStateException().isThrownBy(Mode.BASELINE::requestMode);
    }

    @Test
    void demoRowsGetTheirOwnSectionAndDemoModesThatDidNotAllRunFailTheRun() {
        FsyncProbe.Result fsync = new FsyncProbe.Result(dir, 1, 0.1, 0.2, 0.1);
        BenchSettings settings = new BenchSettings("jdbc:postgresql://x/a", "u", "p", "jdbc:mysql://x/b", "u", "p", "tcp://x:1", 8, 10, dir);
        org.HdrHistogram.Histogram latencies = new org.HdrHistogram.Histogram(60_000_000L, 3);
        latencies.recordValue(5_000);
        LoadDriver.Measurement m = new LoadDriver.Measurement(1, List.of(100.0), latencies, 0, null, 100);
        Report.Builder builder = new Report.Builder(settings, "PostgreSQL", "MariaDB", false, Duration.ofSeconds(1), 1,
                Duration.ofSeconds(1), fsync).fsyncAfter(fsync);
        builder.add(Mode.BASELINE, m, null, List.of(), Double.NaN);
        builder.addDemo(Mode.DEMO_XA, m, null, Duration.ofMillis(1500));
        Report complete = builder.build();
        assertThat(complete.allPassed()).isTrue();
        assertThat(complete.markdown("")).contains("## Saga, TCC and outbox beside XA: the demo over HTTP",
                "| p-xa | demo over HTTP: XA | 1 | 100.0 |", "| 1.5 |").doesNotContain("Not every demo mode ran");

        builder.demoStopped("the demo modes stopped after p-saga at 8 clients failed its check");
        Report stopped = builder.build();
        assertThat(stopped.allPassed()).as("a run whose demo modes stopped fails").isFalse();
        assertThat(stopped.markdown("")).contains("**Not every demo mode ran:** the demo modes stopped after p-saga");
        assertThat(stopped.table()).contains("NOT EVERY DEMO MODE RAN");
    }

    @Test
    void theDemoModesNeedTheDemoJarAndSayHowToBuildIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(BenchmarkCommand.run(out, errStream, "--modes", "p-saga", "--demo-jar", dir.resolve("missing.jar").toString(),
                "--work-dir", dir.resolve("work").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--demo-jar", "missing.jar", "is not a file",
                "-pl bank-transfer-demo", "leave the p-* modes out");
        // Refused before anything ran: no work directory, no broker.
        assertThat(dir.resolve("work")).doesNotExist();
    }

    @Test
    void badOptionsAreRefusedWithExitCode2BeforeAnythingRuns() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThat(BenchmarkCommand.run(out, errStream, "--modes", "x", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown mode 'x'");
        assertThat(BenchmarkCommand.run(out, errStream, "--round", "five", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--round 'five' is not a duration");
        assertThat(BenchmarkCommand.run(out, errStream, "--clients", "0", "--work-dir", dir.toString())).isEqualTo(2);
        assertThat(BenchmarkCommand.run(out, errStream, "--bogus")).isEqualTo(2);
        assertThat(dir.toFile().list()).isEmpty();
    }
}
