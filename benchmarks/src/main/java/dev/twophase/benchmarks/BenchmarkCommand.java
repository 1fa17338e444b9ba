package dev.twophase.benchmarks;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.twophase.testing.ArtemisBrokerProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code twophase-benchmarks}: runs the transfer flow in every {@link Mode} at every client count
 * against the local PostgreSQL, MySQL/MariaDB and an Artemis broker, prints the table and writes it,
 * with the machine and versions, to a Markdown file.
 */
@Command(name = "twophase-benchmarks", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures the price of atomicity: the transfer flow under XA and without it, in one run.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--modes", split = ",", defaultValue = "a,n-a,b,c,d-xa,d-local,p",
            description = "Modes to run: a (XA over PostgreSQL + MySQL + broker), n-a (the same under Narayana), b (XA over the two"
                    + " databases), c (baseline:"
                    + " two local transactions and a persistent send), d-xa / d-local (one participant via XA vs a local"
                    + " transaction), d (both), p-xa / p-saga / p-tcc / p-outbox (the demo application's transfer over HTTP in that"
                    + " mode, needs --demo-jar), p (all four). Default: ${DEFAULT-VALUE}")
    List<String> modes;

    @Option(names = "--clients", split = ",", defaultValue = "1,8,32", description = "Client counts. Default: ${DEFAULT-VALUE}")
    List<Integer> clients;

    @Option(names = "--warmup", defaultValue = "2s", description = "Warm-up before each measurement, e.g. 5s. Default: ${DEFAULT-VALUE}")
    String warmup;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds per measurement. Default: ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--round", defaultValue = "2s", description = "Length of a round, e.g. 5s. Default: ${DEFAULT-VALUE}")
    String round;

    @Option(names = "--jit-warmup", defaultValue = "30s",
            description = "Before any measurement, every mode runs with 8 clients for its share of this time, so the JIT has compiled"
                    + " the code paths (the XA path runs far fewer transactions per second than the others). Default: ${DEFAULT-VALUE}")
    String jitWarmup;

    @Option(names = "--parallel-phases", description = "Run the coordinator with twophase.coordinator.parallel-phases=true.")
    boolean parallelPhases;

    @Option(names = "--timeline", description = "Run the coordinator with its protocol timeline on"
            + " (twophase.coordinator.timeline.enabled=true), to measure what it costs.")
    boolean timeline;

    @Option(names = "--log-store", defaultValue = "file",
            description = "The coordinator's recovery log: file (group commit), atomikos (Atomikos's own log, one fsync per record)"
                    + " or postgresql (group commit into --log-db-url), as twophase.coordinator.log-store. Default: ${DEFAULT-VALUE}")
    String logStore;

    @Option(names = "--log-db-url", description = "With --log-store postgresql: the log's database. Default: bank A's (--pg-url),"
            + " with the same user and password; the log's tables start with twophase_log_.")
    String logDbUrl;

    @Option(names = "--jms-pool", defaultValue = "pooled-jms",
            description = "The broker participant's pool: pooled-jms (XA sessions and producers reused, the product's default) or"
                    + " atomikos (a new XA session per transaction), as twophase.participants.jms.<name>.pool. Default: ${DEFAULT-VALUE}")
    String jmsPool;

    @Option(names = "--validation-window", defaultValue = "1s",
            description = "The JDBC participants' validation-window: 0 validates every borrowed connection (Atomikos's way)."
                    + " Default: ${DEFAULT-VALUE}")
    String validationWindow;

    @Option(names = "--last-resource", description = "Run bank A (PostgreSQL) as the logging last resource"
            + " (twophase.coordinator.last-resource): its branch is not prepared but committed in one phase at the decision.")
    boolean lastResource;

    @Option(names = "--accounts", defaultValue = "1000", description = "Accounts per bank the transfers pick from. Default: ${DEFAULT-VALUE}")
    int accounts;

    @Option(names = "--pg-url", defaultValue = "${env:TWOPHASE_BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/twophase_bench_a}",
            description = "Bank A (PostgreSQL). Default: ${DEFAULT-VALUE}")
    String pgUrl;

    @Option(names = "--pg-user", defaultValue = "${env:TWOPHASE_BENCH_PG_USER:-twophase}")
    String pgUser;

    @Option(names = "--pg-password", defaultValue = "${env:TWOPHASE_BENCH_PG_PASSWORD:-twophase}")
    String pgPassword;

    @Option(names = "--mysql-url", defaultValue = "${env:TWOPHASE_BENCH_MYSQL_URL:-jdbc:mysql://127.0.0.1:3306/twophase_bench_b?sslMode=DISABLED&allowPublicKeyRetrieval=true}",
            description = "Bank B (MySQL/MariaDB). Default: ${DEFAULT-VALUE}")
    String mysqlUrl;

    @Option(names = "--mysql-user", defaultValue = "${env:TWOPHASE_BENCH_MYSQL_USER:-twophase}")
    String mysqlUser;

    @Option(names = "--mysql-password", defaultValue = "${env:TWOPHASE_BENCH_MYSQL_PASSWORD:-twophase}")
    String mysqlPassword;

    @Option(names = "--broker-url", description = "A running Artemis broker (core protocol). Default: start one in its own JVM under --work-dir.")
    String brokerUrl;

    @Option(names = "--work-dir", defaultValue = "benchmarks/target/bench-work",
            description = "Recovery log, broker journal and fsync probe file. Default: ${DEFAULT-VALUE}")
    Path workDir;

    @Option(names = "--output", description = "Also write the results as Markdown to this file, e.g. docs/benchmark-results.md.")
    Path output;

    @Option(names = "--demo-jar", description = "The demo application's jar for the p-* modes, started in its own JVM on the same"
            + " servers. Default: the bank-transfer-demo-*.jar in bank-transfer-demo/target (built by the README's benchmark command).")
    Path demoJar;

    @Option(names = "--consistency-timeout", defaultValue = "300s",
            description = "How long a p-* mode may take, after its load, until the demo's consistency checker passes; longer fails"
                    + " the run. Default: ${DEFAULT-VALUE}")
    String consistencyTimeout;

    private final PrintStream out;
    private final String[] args;

    BenchmarkCommand(PrintStream out, String[] args) {
        this.out = out;
        this.args = args.clone();
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command; returns the exit code (0 done and every check passed, 1 a check failed or a run had errors, 2 usage). */
    static int run(PrintStream out, PrintStream err, String... args) {
        BenchmarkCommand command = new BenchmarkCommand(out, args);
        CommandLine cli = new CommandLine(command);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("twophase-benchmarks: " + e.getMessage());
            if (!(e instanceof IllegalArgumentException)) {
                e.printStackTrace(err);
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Set<Mode> selected = selectedModes();
        Duration warmupTime = duration("--warmup", warmup);
        Duration roundTime = duration("--round", round);
        Duration jitTime = duration("--jit-warmup", jitWarmup);
        Duration consistencyLimit = duration("--consistency-timeout", consistencyTimeout);
        if (rounds < 1 || clients.isEmpty() || clients.stream().anyMatch(c -> c < 1) || accounts < 2) {
            throw new IllegalArgumentException("--rounds and every --clients value must be at least 1, --accounts at least 2");
        }
        Path jar = selected.stream().anyMatch(Mode::demo) ? demoJar() : null;
        int maxClients = clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        Path work = workDir.toAbsolutePath().normalize();
        Files.createDirectories(work);

        Report report;
        ArtemisBrokerProcess broker = null;
        String url = brokerUrl;
        if (url == null) {
            broker = ArtemisBrokerProcess.start(work.resolve("broker"));
            url = broker.url();
            out.println("Started an Artemis broker in its own JVM at " + url + " (journal in " + work.resolve("broker") + ")");
        }
        try {
            BenchSettings settings = new BenchSettings(pgUrl, pgUser, pgPassword, mysqlUrl, mysqlUser, mysqlPassword, url,
                    maxClients, accounts, work);
            report = measure(settings, selected, jitTime, warmupTime, roundTime, jar, consistencyLimit);
        } finally {
            if (broker != null) {
                broker.stop();
            }
        }
        String markdown = report.markdown(String.join(" ", args));
        out.println();
        out.println(report.table());
        if (output != null) {
            Files.createDirectories(output.toAbsolutePath().getParent());
            Files.writeString(output, markdown);
            out.println("Wrote " + output);
        }
        return report.allPassed() ? 0 : 1;
    }

    private Report measure(BenchSettings settings, Set<Mode> selected, Duration jitTime, Duration warmupTime, Duration roundTime,
            Path jar, Duration consistencyLimit) throws Exception {
        BenchData data = new BenchData(settings);
        data.prepare(settings);
        FsyncProbe.Result fsyncBefore = FsyncProbe.measure(settings.workDir(), 500);
        out.printf("fsync (4 KiB write + fdatasync) in %s: median %.3f ms, p99 %.3f ms%n", settings.workDir(),
                fsyncBefore.medianMillis(), fsyncBefore.p99Millis());
        Report.Builder builder = new Report.Builder(settings, data.describePostgres(), data.describeMysql(), data.mysqlBinlog(),
                warmupTime, rounds, roundTime, fsyncBefore);
        Path logDir = settings.workDir().resolve("tx-log-" + ProcessHandle.current().pid());
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchConfiguration.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("benchSettings", settings))
                .properties(contextProperties(settings, logDir))
                .run(); PhaseTimes phases = new PhaseTimes(context.getBean(dev.twophase.coordinator.metrics.XaPhaseMetrics.class))) {
            BenchConfiguration.Participants participants = context.getBean(BenchConfiguration.Participants.class);
            builder.coordinator(dev.twophase.coordinator.atomikos.ParallelPhases.active(),
                    !(com.atomikos.icatch.config.Configuration.getRecoveryLog() instanceof dev.twophase.coordinator.log.OnePhaseAwareLog),
                    dev.twophase.coordinator.log.OnePhaseAwareLog.currentGroupCommitStats() == null
                            ? "Atomikos's own file log (one fsync per record)"
                            : "group-commit log over " + dev.twophase.coordinator.log.OnePhaseAwareLog.currentGroupCommitStats().store(),
                    (jmsPool.equals("pooled-jms") ? "pooled-jms (XA sessions and producers reused)" : "Atomikos's (a new XA session per transaction)")
                            + "; JDBC validation-window " + validationWindow
                            + (timeline ? "; protocol timeline on (every XA call and log record kept)" : "")
                            + (lastResource ? "; bank A is the logging last resource (not prepared; its one-phase commit is the decision)" : ""));
            if (!jitTime.isZero()) {
                out.printf("JIT warm-up: every mode for %d ms with 8 clients ...%n", jitMillis(jitTime, selected));
                for (Mode mode : selected) {
                    if (!mode.narayana() && !mode.demo()) {
                        LoadDriver.run(8, Duration.ofMillis(jitMillis(jitTime, selected)), 1, Duration.ofMillis(1),
                                () -> participants.transfer(mode, next(mode, data)));
                    }
                }
                phases.drain(0);
            }
            for (int c : clients) {
                for (Mode mode : selected) {
                    if (mode.narayana() || mode.demo()) {
                        continue;
                    }
                    cell(mode, c, data, builder, warmupTime, roundTime, () -> participants.transfer(mode, next(mode, data)), phases);
                }
            }
        }
        if (selected.contains(Mode.NARAYANA_DBS_BROKER)) {
            measureNarayana(settings, data, builder, jitMillis(jitTime, selected), warmupTime, roundTime);
        }
        if (jar != null) {
            measureDemo(jar, settings, data, builder, selected, jitMillis(jitTime, selected), warmupTime, roundTime, consistencyLimit);
        }
        FsyncProbe.Result fsyncAfter = FsyncProbe.measure(settings.workDir(), 500);
        out.printf("fsync after the runs: median %.3f ms, p99 %.3f ms%n", fsyncAfter.medianMillis(), fsyncAfter.p99Millis());
        return builder.fsyncAfter(fsyncAfter).build();
    }

    /**
     * Mode n-a, after twophase's context has closed (so the databases never hold both sets of XA pools):
     * its own JIT warm-up, then the same cells and checks as every other mode.
     */
    private void measureNarayana(BenchSettings settings, BenchData data, Report.Builder builder, long jitMillis, Duration warmupTime,
            Duration roundTime) throws Exception {
        Mode mode = Mode.NARAYANA_DBS_BROKER;
        try (NarayanaPeer narayana = NarayanaPeer.start(settings)) {
            builder.narayana(narayana.describe());
            if (jitMillis > 0) {
                out.printf("JIT warm-up: %s for %d ms with 8 clients ...%n", mode.key(), jitMillis);
                LoadDriver.run(8, Duration.ofMillis(jitMillis), 1, Duration.ofMillis(1), () -> narayana.transfer(next(mode, data)));
            }
            for (int c : clients) {
                cell(mode, c, data, builder, warmupTime, roundTime, () -> narayana.transfer(next(mode, data)), null);
            }
        }
    }

    /**
     * The demo modes, last: the demo application in its own JVM on the same databases and broker (the
     * benchmark's own pools are closed by then), a JIT warm-up of each mode, then per client count each
     * mode's cell, waiting after each until the demo is consistent.
     */
    private void measureDemo(Path jar, BenchSettings settings, BenchData data, Report.Builder builder, Set<Mode> selected,
            long jitMillis, Duration warmupTime, Duration roundTime, Duration consistencyLimit) {
        List<Mode> demoModes = selected.stream().filter(Mode::demo).toList();
        out.println("Starting the demo application (" + jar + ") ...");
        // Any failure ends the demo modes, not the run: the other modes' rows and the report still come out (exit 1).
        // A demo that was not consistent may still be working, so no later cell may reset the tables under it.
        try {
            data.reset(); // the last cell's rows have no consumed events: the demo's checker would count them as lost
            try (DemoApp demo = DemoApp.start(jar, settings, demoCoordinatorProperties(settings))) {
                builder.demo(demo.describe());
                if (jitMillis > 0) {
                    out.printf("JIT warm-up: every demo mode for %d ms with 8 clients ...%n", jitMillis);
                    for (Mode mode : demoModes) {
                        LoadDriver.run(8, Duration.ofMillis(jitMillis), 1, Duration.ofMillis(1), () -> demo.transfer(mode, next(mode, data)));
                    }
                    demo.awaitConsistent(consistencyLimit);
                }
                for (int c : clients) {
                    for (Mode mode : demoModes) {
                        if (!demoCell(demo, mode, c, data, builder, warmupTime, roundTime, consistencyLimit)) {
                            builder.demoStopped("the demo modes stopped after " + mode.key() + " at " + c + " clients failed its check");
                            return;
                        }
                    }
                }
            }
        } catch (Exception e) {
            out.println("The demo modes stopped: " + e.getMessage());
            builder.demoStopped("the demo modes stopped: " + e.getMessage());
        }
    }

    /** One demo cell; returns whether its check passed (later cells may then reset the tables). */
    private boolean demoCell(DemoApp demo, Mode mode, int c, BenchData data, Report.Builder builder, Duration warmupTime,
            Duration roundTime, Duration consistencyLimit) throws Exception {
        data.reset();
        out.printf("%-8s %-34s clients %3d ... ", mode.key(), mode.title(), c);
        LoadDriver.Measurement m = LoadDriver.run(c, warmupTime, rounds, roundTime, () -> demo.transfer(mode, next(mode, data)));
        Duration consistentAfter = null;
        String problem;
        try {
            consistentAfter = demo.awaitConsistent(consistencyLimit);
            problem = data.verifyDemo(mode, m.completedInAll());
        } catch (IllegalStateException | java.io.IOException e) {
            problem = e.getMessage();
        }
        builder.addDemo(mode, m, problem, consistentAfter);
        out.printf("%8.1f tx/s  p50 %7.2f ms  p99 %7.2f ms  consistent after %s  errors %d  %s%n", m.throughput(), m.p50Millis(),
                m.p99Millis(), consistentAfter == null ? "–" : String.format(java.util.Locale.ROOT, "%.1f s",
                        consistentAfter.toMillis() / 1000.0), m.errors(), problem == null ? "check ok" : "CHECK FAILED: " + problem);
        if (m.firstError() != null) {
            out.println("         first error: " + m.firstError());
        }
        return consistentAfter != null;
    }

    /** The coordinator settings of this run, for the demo too, so its rows run as the others do. */
    private Map<String, String> demoCoordinatorProperties(BenchSettings settings) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("twophase.coordinator.timeline.enabled", Boolean.toString(timeline));
        p.put("twophase.coordinator.parallel-phases", Boolean.toString(parallelPhases));
        p.put("twophase.coordinator.log-store", logStore);
        if (logStore.equals("postgresql")) {
            p.put("twophase.coordinator.log-database.url", logDbUrl != null ? logDbUrl : settings.pgUrl());
            p.put("twophase.coordinator.log-database.username", settings.pgUser());
        }
        p.put("twophase.participants.jms.broker.pool", jmsPool);
        p.put("twophase.participants.jdbc.bank-a.validation-window", validationWindow);
        p.put("twophase.participants.jdbc.bank-b.validation-window", validationWindow);
        if (lastResource) {
            p.put("twophase.coordinator.last-resource", "bank-a");
        }
        return p;
    }

    /** The demo jar: --demo-jar, or the one the README's benchmark command builds. */
    private Path demoJar() throws java.io.IOException {
        if (demoJar != null) {
            if (!Files.isRegularFile(demoJar)) {
                throw new IllegalArgumentException("--demo-jar " + demoJar + " is not a file: build the demo with ./mvnw -B -q -pl"
                        + " bank-transfer-demo -am -DskipTests package and pass its jar, or leave the p-* modes out of --modes");
            }
            return demoJar;
        }
        Path target = Path.of("bank-transfer-demo", "target");
        if (Files.isDirectory(target)) {
            try (var jars = Files.list(target)) {
                List<Path> found = jars.filter(p -> p.getFileName().toString().matches("bank-transfer-demo-.*\\.jar")).sorted().toList();
                if (found.size() == 1) {
                    return found.get(0);
                }
                if (found.size() > 1) {
                    throw new IllegalArgumentException("several demo jars in " + target.toAbsolutePath() + " (" + found
                            + "): pass the one to run with --demo-jar");
                }
            }
        }
        throw new IllegalArgumentException("no demo jar in " + target.toAbsolutePath() + " for the p-* modes: build it with ./mvnw -B -q"
                + " -pl bank-transfer-demo -am -DskipTests package (the README's benchmark command does), pass --demo-jar, or leave"
                + " the p-* modes out of --modes");
    }

    /** Each mode's share of the JIT warm-up; the demo's modes are warmed up in the demo, each for the same share. */
    private static long jitMillis(Duration jitTime, Set<Mode> selected) {
        return jitTime.toMillis() / Math.max(1, selected.stream().filter(m -> !m.demo()).count());
    }

    /**
     * One cell of the report: fresh data, the warm-up and the rounds of {@code operation} with {@code c}
     * clients, the effects check, and the row. {@code phases} (twophase's XA timings and log forces) is
     * null for a peer that has neither.
     */
    private void cell(Mode mode, int c, BenchData data, Report.Builder builder, Duration warmupTime, Duration roundTime,
            LoadDriver.Operation operation, PhaseTimes phases) throws Exception {
        data.reset();
        out.printf("%-8s %-34s clients %3d ... ", mode.key(), mode.title(), c);
        long forcesBefore = phases == null ? -1 : logForces();
        LoadDriver.Measurement m = LoadDriver.run(c, warmupTime, rounds, roundTime, operation);
        double logForcesPerTx = phases == null ? Double.NaN : logForcesPerTx(forcesBefore, m.completedInAll());
        // Everything the warm-up and the rounds completed (and nothing else) must be there.
        BenchData.Effects effects = data.effects();
        List<String> xaCalls = phases == null ? List.of() : phases.drain(m.completedInAll());
        String problem = BenchData.verify(mode, m.completedInAll(), effects);
        builder.add(mode, m, problem, xaCalls, logForcesPerTx);
        out.printf("%8.1f tx/s  p50 %7.2f ms  p99 %7.2f ms  %serrors %d  %s%n", m.throughput(), m.p50Millis(), m.p99Millis(),
                phases == null ? "" : "log fsyncs/tx " + Report.forces(logForcesPerTx) + "  ", m.errors(),
                problem == null ? "check ok" : "CHECK FAILED: " + problem);
        xaCalls.forEach(line -> out.println("         " + line));
        if (m.firstError() != null) {
            out.println("         first error: " + m.firstError());
        }
    }

    /** Forces of the coordinator's group-commit log so far; -1 when Atomikos's own log runs (it counts none). */
    private static long logForces() {
        var stats = dev.twophase.coordinator.log.OnePhaseAwareLog.currentGroupCommitStats();
        return stats == null ? -1 : stats.forces();
    }

    /** The coordinator log's forces per completed transaction since {@code before}; NaN when they are not counted. */
    private static double logForcesPerTx(long before, long completed) {
        long after = logForces();
        return before < 0 || after < 0 || completed == 0 ? Double.NaN : (after - before) / (double) completed;
    }

    /** The coordinator's and the participants' properties, as an application would set them. */
    private Map<String, Object> contextProperties(BenchSettings settings, Path logDir) {
        Map<String, Object> properties = new LinkedHashMap<>(BenchConfiguration.participantProperties(settings));
        properties.put("twophase.coordinator.tm-name", "bench");
        properties.put("twophase.coordinator.log-dir", logDir.toString());
        properties.put("twophase.coordinator.max-actives", Integer.toString(Math.max(200, 4 * settings.poolSize())));
        properties.put("twophase.coordinator.parallel-phases", Boolean.toString(parallelPhases));
        properties.put("twophase.coordinator.timeline.enabled", Boolean.toString(timeline));
        properties.put("twophase.coordinator.log-store", logStore);
        if (logStore.equals("postgresql")) {
            properties.put("twophase.coordinator.log-database.url", logDbUrl != null ? logDbUrl : settings.pgUrl());
            properties.put("twophase.coordinator.log-database.username", settings.pgUser());
            properties.put("twophase.coordinator.log-database.password", settings.pgPassword());
        }
        properties.put("twophase.participants.jms." + BenchConfiguration.BROKER + ".pool", jmsPool);
        properties.put("twophase.participants.jdbc." + BenchConfiguration.BANK_A + ".validation-window", validationWindow);
        properties.put("twophase.participants.jdbc." + BenchConfiguration.BANK_B + ".validation-window", validationWindow);
        if (lastResource) {
            properties.put("twophase.coordinator.last-resource", BenchConfiguration.BANK_A);
        }
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.com.atomikos", "ERROR");
        return properties;
    }

    /** A transfer of 1 cent between random accounts: across the banks in either direction, or inside bank A for mode d. */
    private static TransferWork.Transfer next(Mode mode, BenchData data) {
        if (mode.singleDatabase()) {
            String from = data.randomAccount("A");
            String to = data.randomAccount("A");
            while (to.equals(from)) {
                to = data.randomAccount("A");
            }
            return TransferWork.Transfer.of("A", from, "A", to, 1);
        }
        return ThreadLocalRandom.current().nextBoolean()
                ? TransferWork.Transfer.of("A", data.randomAccount("A"), "B", data.randomAccount("B"), 1)
                : TransferWork.Transfer.of("B", data.randomAccount("B"), "A", data.randomAccount("A"), 1);
    }

    private Set<Mode> selectedModes() {
        Set<Mode> result = new LinkedHashSet<>();
        for (String key : modes) {
            if (key.strip().equalsIgnoreCase("d")) {
                result.add(Mode.ONE_PHASE_XA);
                result.add(Mode.LOCAL);
            } else if (key.strip().equalsIgnoreCase("p")) {
                result.addAll(List.of(Mode.DEMO_XA, Mode.DEMO_SAGA, Mode.DEMO_TCC, Mode.DEMO_OUTBOX));
            } else {
                result.add(Mode.ofKey(key));
            }
        }
        // Each mode is compared with its reference in the same run.
        for (Mode m : new ArrayList<>(result)) {
            result.add(m.reference());
            if (m.demo()) {
                result.add(Mode.DEMO_XA); // each pattern is also compared with XA on the same HTTP path
            }
        }
        List<Mode> ordered = new ArrayList<>(result);
        ordered.sort(null);
        return new LinkedHashSet<>(ordered);
    }

    private static Duration duration(String option, String text) {
        try {
            return Duration.parse("PT" + text.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration; use seconds, e.g. 5s or 0.5s");
        }
    }
}
