package dev.twophase.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results of one benchmark run: every measurement, its reference, the fsync bound and the targets. */
final class Report {

    /** One mode at one client count. */
    record Row(Mode mode, LoadDriver.Measurement measurement, String problem, List<String> xaCalls, double logForcesPerTx,
            Duration consistentAfter) {
    }

    /** A target of issue 7, and whether this run reached it. */
    record Target(String name, String measured, boolean reached) {
    }

    private final Builder b;
    private final double fsyncMillis;

    private Report(Builder b) {
        this.b = b;
        // Mode n-a is measured after the others (see BenchmarkCommand); the table shows each client count's modes together.
        b.rows.sort(java.util.Comparator.comparingInt((Row r) -> r.measurement().clients()).thenComparing(Row::mode));
        this.fsyncMillis = (b.fsyncBefore.medianMillis() + b.fsyncAfter.medianMillis()) / 2;
    }

    /** Whether every run's effects matched its completed transfers, no run had errors and every selected mode ran. */
    boolean allPassed() {
        return b.demoStopped == null && b.rows.stream().allMatch(r -> r.problem() == null && r.measurement().errors() == 0);
    }

    /** The measurement of a mode at a client count, if it ran. */
    Row row(Mode mode, int clients) {
        return b.rows.stream().filter(r -> r.mode() == mode && r.measurement().clients() == clients).findFirst().orElse(null);
    }

    /** The forced writes on one transaction's critical path in this mode, with this run's settings. */
    int forcedWrites(Mode mode) {
        return ForcedWrites.onCriticalPath(mode, b.mysqlBinlog, b.parallelPhases, b.onePhaseLogged);
    }

    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        int maxClients = b.rows.stream().mapToInt(r -> r.measurement().clients()).max().orElse(0);
        Row a = row(Mode.XA_DBS_BROKER, maxClients);
        Row c = row(Mode.BASELINE, maxClients);
        if (maxClients == 32 && a != null && c != null) {
            double ratio = a.measurement().throughput() / c.measurement().throughput();
            targets.add(new Target("XA over both databases and the broker reaches at least 50% of the baseline's throughput at 32 clients",
                    pct(ratio) + " (" + f1(a.measurement().throughput()) + " vs " + f1(c.measurement().throughput()) + " tx/s)", ratio >= 0.5));
        }
        Row a1 = row(Mode.XA_DBS_BROKER, 1);
        Row c1 = row(Mode.BASELINE, 1);
        if (a1 != null && c1 != null) {
            double ratio = a1.measurement().p50Millis() / c1.measurement().p50Millis();
            targets.add(new Target("single-client XA latency (a, p50) is at most 3 times the baseline's",
                    String.format(Locale.ROOT, "%.2f× (%.2f vs %.2f ms)", ratio, a1.measurement().p50Millis(), c1.measurement().p50Millis()),
                    ratio <= 3));
        }
        for (Row n : b.rows) {
            if (n.mode() != Mode.NARAYANA_DBS_BROKER || n.measurement().clients() == 1) {
                continue;
            }
            Row ours = row(Mode.XA_DBS_BROKER, n.measurement().clients());
            if (ours != null) {
                double ratio = ours.measurement().throughput() / n.measurement().throughput();
                targets.add(new Target("twophase's XA throughput (a) is at least Narayana's on the same flow (n-a), "
                        + n.measurement().clients() + " clients",
                        String.format(Locale.ROOT, "%.2f× (%s vs %s tx/s)", ratio, f1(ours.measurement().throughput()),
                                f1(n.measurement().throughput())), ratio >= 1));
            }
        }
        for (Row d : b.rows) {
            if (d.mode() != Mode.ONE_PHASE_XA) {
                continue;
            }
            Row local = row(Mode.LOCAL, d.measurement().clients());
            if (local != null) {
                double ratio = d.measurement().throughput() / local.measurement().throughput();
                targets.add(new Target("the one-phase path reaches at least 90% of a plain local transaction, " + d.measurement().clients()
                        + (d.measurement().clients() == 1 ? " client" : " clients"),
                        pct(ratio) + " (" + f1(d.measurement().throughput()) + " vs " + f1(local.measurement().throughput()) + " tx/s)",
                        ratio >= 0.9));
            }
        }
        return targets;
    }

    /** Log forces per transaction as printed: two decimals, or a dash when not counted. */
    static String forces(double perTx) {
        return Double.isNaN(perTx) ? "–" : String.format(Locale.ROOT, "%.2f", perTx);
    }

    /** The table as printed on the console. */
    String table() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-8s %7s %9s %15s %8s %8s %8s %8s %6s %9s %8s %6s  %s%n", "mode", "clients", "tx/s",
                "rounds min-max", "p50 ms", "p99 ms", "vs ref", "p50 ×ref", "fsyncs", "bound ms", "log f/tx", "errors", "check"));
        for (Row r : b.rows) {
            if (r.mode().demo()) {
                continue;
            }
            LoadDriver.Measurement m = r.measurement();
            Row ref = row(r.mode().reference(), m.clients());
            s.append(String.format(Locale.ROOT, "%-8s %7d %9.1f %15s %8.2f %8.2f %8s %8s %6d %9.2f %8s %6d  %s%n", r.mode().key(),
                    m.clients(), m.throughput(), f1(m.minThroughput()) + "-" + f1(m.maxThroughput()), m.p50Millis(), m.p99Millis(),
                    ratio(r, ref, LoadDriver.Measurement::throughput), ratio(r, ref, LoadDriver.Measurement::p50Millis), forcedWrites(r.mode()), forcedWrites(r.mode()) * fsyncMillis,
                    forces(r.logForcesPerTx()), m.errors(), r.problem() == null ? "ok" : "FAILED: " + r.problem()));
        }
        if (hasDemoRows()) {
            s.append(String.format(Locale.ROOT, "%-8s %7s %9s %15s %8s %8s %8s %8s %10s %6s  %s%n", "mode", "clients", "tx/s",
                    "rounds min-max", "p50 ms", "p99 ms", "vs c", "vs p-xa", "consist. s", "errors", "check"));
            for (Row r : demoRows()) {
                LoadDriver.Measurement m = r.measurement();
                s.append(String.format(Locale.ROOT, "%-8s %7d %9.1f %15s %8.2f %8.2f %8s %8s %10s %6d  %s%n", r.mode().key(), m.clients(),
                        m.throughput(), f1(m.minThroughput()) + "-" + f1(m.maxThroughput()), m.p50Millis(), m.p99Millis(),
                        ratio(r, row(Mode.BASELINE, m.clients()), LoadDriver.Measurement::throughput),
                        ratio(r, row(Mode.DEMO_XA, m.clients()), LoadDriver.Measurement::throughput), seconds(r.consistentAfter()),
                        m.errors(), r.problem() == null ? "ok" : "FAILED: " + r.problem()));
            }
        }
        if (b.demoStopped != null) {
            s.append("NOT EVERY DEMO MODE RAN: ").append(b.demoStopped).append('\n');
        }
        s.append(String.format(Locale.ROOT, "fsync median %.3f ms (before %.3f, after %.3f; p99 %.3f / %.3f)%n", fsyncMillis,
                b.fsyncBefore.medianMillis(), b.fsyncAfter.medianMillis(), b.fsyncBefore.p99Millis(), b.fsyncAfter.p99Millis()));
        for (Target t : targets()) {
            s.append(t.reached() ? "[reached] " : "[MISSED]  ").append(t.name()).append(": ").append(t.measured()).append('\n');
        }
        return s.toString();
    }

    /** The whole report as Markdown: machine, versions, command, settings, table, targets. */
    String markdown(String arguments) {
        StringBuilder s = new StringBuilder();
        s.append("# Benchmark results\n\n");
        s.append("Written by the benchmark itself (`benchmarks/`, see [benchmarks.md](benchmarks.md) for what it measures and why).\n\n");
        s.append("- Date: ").append(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)).append('\n');
        s.append("- Command: `java -jar benchmarks/target/twophase-benchmarks.jar").append(arguments.isBlank() ? "" : " " + arguments)
                .append("` (built by the README's benchmark command)\n");
        s.append("- Machine: ").append(machine()).append('\n');
        s.append("- Java: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", heap max ").append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MiB\n");
        s.append("- Bank A: ").append(b.postgres).append('\n');
        s.append("- Bank B: ").append(b.mysql).append('\n');
        s.append("- Broker: ActiveMQ Artemis ").append(version(org.apache.activemq.artemis.api.core.client.ActiveMQClient.class))
                .append(b.settings.brokerUrl() == null ? "" : " at " + b.settings.brokerUrl()).append('\n');
        s.append("- Transaction manager: Atomikos ").append(version(com.atomikos.icatch.jta.UserTransactionManager.class))
                .append(", phases ").append(b.parallelPhases ? "in parallel" : "one participant after the other")
                .append(b.onePhaseLogged ? ", one-phase transactions logged" : ", one-phase transactions not logged")
                .append("; recovery log: ").append(b.log).append('\n');
        if (b.narayana != null) {
            s.append("- Peer (mode n-a, measured after the other modes in the same run): ").append(b.narayana).append('\n');
        }
        s.append("- Pools: ").append(b.settings.poolSize()).append(" connections per pool (XA and plain); broker XA pool: ")
                .append(b.jmsPool)
                .append("; ")
                .append(b.settings.accounts()).append(" accounts per bank, transfers of 1 cent between random accounts\n");
        s.append(String.format(Locale.ROOT, "- Rounds: warm-up %s, then %d rounds of %s per mode and client count; tx/s is the median round%n",
                human(b.warmup), b.rounds, human(b.round)));
        s.append(String.format(Locale.ROOT, "- fsync (4 KiB write + fdatasync, 500 samples, in the work directory): median %.3f ms before,"
                + " %.3f ms after the measurements (p99 %.3f / %.3f ms)%n%n", b.fsyncBefore.medianMillis(), b.fsyncAfter.medianMillis(),
                b.fsyncBefore.p99Millis(), b.fsyncAfter.p99Millis()));
        s.append("| mode | what | clients | tx/s | rounds min–max | p50 ms | p99 ms | tx/s vs ref | p50 vs ref | forced writes | fsync bound ms | log fsyncs/tx | errors | check |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : b.rows) {
            if (r.mode().demo()) {
                continue;
            }
            LoadDriver.Measurement m = r.measurement();
            Row ref = row(r.mode().reference(), m.clients());
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %s–%s | %.2f | %.2f | %s | %s | %d | %.2f | %s | %d | %s |%n",
                    r.mode().key(), r.mode().title(), m.clients(), m.throughput(), f1(m.minThroughput()), f1(m.maxThroughput()),
                    m.p50Millis(), m.p99Millis(), ratio(r, ref, LoadDriver.Measurement::throughput), ratio(r, ref, LoadDriver.Measurement::p50Millis), forcedWrites(r.mode()),
                    forcedWrites(r.mode()) * fsyncMillis, forces(r.logForcesPerTx()), m.errors(),
                    r.problem() == null ? "ok" : "FAILED: " + r.problem()));
        }
        s.append("\nReference: a, n-a, b and c are compared with c; d-xa with d-local, at the same client count. "
                + "\"fsync bound\" = forced writes on one transaction's critical path × the median fsync time: no transaction of that mode "
                + "can be faster on this disk (it counts each coordinator record as one fsync). \"log fsyncs/tx\": the coordinator"
                + " log's forces during the measurement (warm-up included) per completed transaction, counted by the group-commit log"
                + " (\"–\" under Atomikos's own log, which counts none, and for Narayana). \"check\": after each measurement the registry rows, ledger rows, balances and queued messages "
                + "were counted and matched the transfers that completed (warm-up included).\n\n");
        if (hasDemoRows() || b.demoStopped != null) {
            demoSection(s);
        }
        s.append("## Targets\n\n");
        for (Target t : targets()) {
            s.append("- ").append(t.reached() ? "**reached**" : "**missed**").append(": ").append(t.name()).append(": ").append(t.measured())
                    .append('\n');
        }
        s.append("\n## Where one client's XA transaction spends its time\n\n");
        s.append("The coordinator's `twophase.xa.phase` timers over each single-client measurement (warm-up included): every XA call"
                + " of every participant, its mean time and how many there were per transaction. What a transaction spends outside"
                + " these calls is SQL, JMS sessions and producers, and the coordinator's own log.\n\n");
        for (Row r : b.rows) {
            if (r.measurement().clients() == 1 && !r.xaCalls().isEmpty()) {
                s.append("- `").append(r.mode().key()).append("` (p50 ").append(String.format(Locale.ROOT, "%.2f", r.measurement().p50Millis()))
                        .append(" ms): ").append(String.join("; ", r.xaCalls())).append('\n');
            }
        }
        s.append("\n## Modes\n\n");
        for (Mode m : Mode.values()) {
            s.append("- `").append(m.key()).append("` ").append(m.title()).append(": ").append(m.work()).append('\n');
        }
        return s.toString();
    }

    private boolean hasDemoRows() {
        return b.rows.stream().anyMatch(r -> r.mode().demo());
    }

    private List<Row> demoRows() {
        return b.rows.stream().filter(r -> r.mode().demo()).toList();
    }

    /** The demo's modes: the transfer as XA, Saga, TCC and outbox over HTTP, with the time each took to be consistent. */
    private void demoSection(StringBuilder s) {
        s.append("## Saga, TCC and outbox beside XA: the demo over HTTP\n\n");
        s.append("The same transfer (1 cent between random benchmark accounts, one in each bank) through the demo application's")
                .append(" `POST /api/transfers` in each `mode`, measured after the modes above in the same run, on the same databases")
                .append(" and broker").append(b.demo == null ? "" : " (" + b.demo + ")").append(". Every request goes through HTTP,")
                .append(" JSON and the demo's idempotency and validation, so compare the patterns with `p-xa` (the same path) first;")
                .append(" the ratio to the baseline `c` (in the benchmark's own JVM, no HTTP) is there as the issue asks for it.")
                .append(" An outbox transfer answers 202 once its debit and event are committed; the others answer 201 when done.\n\n");
        s.append("| mode | what | clients | tx/s | rounds min–max | p50 ms | p99 ms | tx/s vs c | tx/s vs p-xa | p50 vs p-xa |")
                .append(" consistent after s | errors | check |\n");
        s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : demoRows()) {
            LoadDriver.Measurement m = r.measurement();
            Row xa = row(Mode.DEMO_XA, m.clients());
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %s–%s | %.2f | %.2f | %s | %s | %s | %s | %d | %s |%n",
                    r.mode().key(), r.mode().title(), m.clients(), m.throughput(), f1(m.minThroughput()), f1(m.maxThroughput()),
                    m.p50Millis(), m.p99Millis(), ratio(r, row(Mode.BASELINE, m.clients()), LoadDriver.Measurement::throughput),
                    ratio(r, xa, LoadDriver.Measurement::throughput), ratio(r, xa, LoadDriver.Measurement::p50Millis),
                    seconds(r.consistentAfter()), m.errors(), r.problem() == null ? "ok" : "FAILED: " + r.problem()));
        }
        if (b.demoStopped != null) {
            s.append("\n**Not every demo mode ran:** ").append(b.demoStopped).append(".\n");
        }
        s.append("\n\"consistent after\": from the end of the measurement (the last client's last answer) until the demo's")
                .append(" consistency checker passed: every event consumed, every outbox credit applied, no Saga or TCC unfinished,")
                .append(" money conserved, every ledger matching its balance. \"check\": then the finished transfers of the mode, their")
                .append(" ledger rows and the benchmark accounts' balances were counted and matched the transfers accepted (warm-up")
                .append(" included).\n\n");
    }

    private static String seconds(Duration d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    /** {@code value(r) / value(ref)}, "1.00" for the reference itself, "-" when the reference did not run. */
    private static String ratio(Row r, Row ref, java.util.function.ToDoubleFunction<LoadDriver.Measurement> value) {
        if (ref == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", value.applyAsDouble(r.measurement()) / value.applyAsDouble(ref.measurement()));
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The implementation version of a class's jar, or the jar's file name. */
    static String version(Class<?> type) {
        String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        if (v == null) {
            // Fall back to the jar's name, e.g. transactions-jta-6.0.0-jakarta.jar.
            var source = type.getProtectionDomain().getCodeSource();
            v = source == null ? "?" : Path.of(source.getLocation().getPath()).getFileName().toString();
        }
        return v;
    }

    private static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (Exception e) {
            // not Linux: the model stays unknown
        }
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize() / (1024L * 1024 * 1024);
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + memory + " GiB, " + System.getProperty("os.name")
                + " " + System.getProperty("os.version");
    }

    /** Collects the rows of a run. */
    static final class Builder {
        private final BenchSettings settings;
        private final String postgres;
        private final String mysql;
        private final boolean mysqlBinlog;
        private final Duration warmup;
        private final int rounds;
        private final Duration round;
        private final FsyncProbe.Result fsyncBefore;
        private FsyncProbe.Result fsyncAfter;
        private boolean parallelPhases;
        private boolean onePhaseLogged = true;
        private String log = "Atomikos's own file log";
        private String jmsPool = "atomikos";
        private String narayana;
        private String demo;
        private String demoStopped;
        private final List<Row> rows = new ArrayList<>();

        Builder(BenchSettings settings, String postgres, String mysql, boolean mysqlBinlog, Duration warmup, int rounds, Duration round,
                FsyncProbe.Result fsyncBefore) {
            this.settings = settings;
            this.postgres = postgres;
            this.mysql = mysql;
            this.mysqlBinlog = mysqlBinlog;
            this.warmup = warmup;
            this.rounds = rounds;
            this.round = round;
            this.fsyncBefore = fsyncBefore;
        }

        Builder coordinator(boolean parallel, boolean logsOnePhase, String log, String jmsPool) {
            this.parallelPhases = parallel;
            this.onePhaseLogged = logsOnePhase;
            this.log = log;
            this.jmsPool = jmsPool;
            return this;
        }

        Builder narayana(String description) {
            this.narayana = description;
            return this;
        }

        Builder demo(String description) {
            this.demo = description;
            return this;
        }

        /** The demo modes did not all run: why. The run then fails, and the report says so. */
        Builder demoStopped(String why) {
            this.demoStopped = why;
            return this;
        }

        Builder add(Mode mode, LoadDriver.Measurement m, String problem, List<String> xaCalls, double logForcesPerTx) {
            rows.add(new Row(mode, m, problem, List.copyOf(xaCalls), logForcesPerTx, null));
            return this;
        }

        /** A demo mode's row: no XA timings or log forces of ours, but the time until the demo was consistent. */
        Builder addDemo(Mode mode, LoadDriver.Measurement m, String problem, Duration consistentAfter) {
            rows.add(new Row(mode, m, problem, List.of(), Double.NaN, consistentAfter));
            return this;
        }

        Builder fsyncAfter(FsyncProbe.Result after) {
            this.fsyncAfter = after;
            return this;
        }

        Report build() {
            return new Report(this);
        }
    }
}
