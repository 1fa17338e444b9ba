package dev.twophase.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts the demo JVM faster than {@code java -jar}: the suite restarts the application after
 * every crash (a 1000-round soak starts it a thousand times), and on two cores most of a start
 * is class loading. Once per suite run the executable jar is extracted (Spring Boot's
 * {@code -Djarmode=tools extract}: classes load from plain jars instead of a nested one) and one
 * training start writes a dynamic class-data-sharing archive
 * ({@code -XX:ArchiveClassesAtExit}, written when the JVM exits normally, so the training
 * run is stopped with SIGTERM); every later start maps that archive.
 *
 * <p>The application is the same jar and the same arguments either way. Any step that fails
 * leaves the plain {@code java -jar} command in place and says so; {@code -Xshare:auto}
 * makes the JVM ignore an archive it cannot use. {@code -Dtwophase.demo.fast-start=false}
 * turns it off.
 */
final class FastStart {

    private static final Path DIR = Path.of("target", "demo-fast-start");
    private static List<String> jvm;

    private FastStart() {
    }

    /** The JVM part of the command line for a start of the demo; trains on first use with the suite's servers. */
    static synchronized List<String> jvm(DemoApp.Config suite) {
        if (jvm == null) {
            jvm = Boolean.parseBoolean(System.getProperty("twophase.demo.fast-start", "true")) ? prepare(suite)
                    : DemoApp.plainJvm();
        }
        return jvm;
    }

    private static List<String> prepare(DemoApp.Config suite) {
        long started = System.nanoTime();
        try {
            deleteRecursively(DIR);
            Path extracted = DIR.resolve("app");
            Files.createDirectories(DIR);
            Path jar = DemoApp.demoJar();
            run(List.of(DemoApp.plainJvm().get(0), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
                    extracted.toAbsolutePath().toString()), DIR.resolve("extract.log"));
            Path app = extracted.resolve(jar.getFileName());
            if (!Files.isRegularFile(app)) {
                return fallback("the extracted jar " + app + " is missing", null);
            }
            List<String> base = List.of(DemoApp.plainJvm().get(0), "-XX:TieredStopAtLevel=1", "-Xmx512m");
            Path archive = DIR.resolve("demo.jsa").toAbsolutePath();
            List<String> training = new ArrayList<>(base);
            training.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-jar", app.toAbsolutePath().toString()));
            // Its own TM name and data directory: the training run never sees the suite's recovery log
            // or its branches, and the port is its own.
            DemoApp.Config config = new DemoApp.Config("cds-training", DIR.resolve("training").toAbsolutePath(),
                    suite.brokerUrl(), suite.bankAUrl(), suite.bankBUrl(), DemoApp.freePort(), DemoApp.Config.suiteProperties());
            DemoApp trainee = DemoApp.launch(config, training);
            try {
                trainee.awaitHttp();
                trainee.awaitRecovered(System.nanoTime(), Duration.ofSeconds(60));
                trainee.consistency(); // loads the request path's classes too
            } finally {
                trainee.stop();
            }
            if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
                return fallback("the training run wrote no archive; its log: " + trainee.logFile(), null);
            }
            List<String> fast = new ArrayList<>(base);
            fast.addAll(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive, "-jar", app.toAbsolutePath().toString()));
            System.out.printf("[fault-injection] fast start ready in %.1f s: extracted jar and a %d MB class-data archive%n",
                    (System.nanoTime() - started) / 1e9, Files.size(archive) >> 20);
            return List.copyOf(fast);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return fallback(e.getMessage(), e);
        }
    }

    private static List<String> fallback(String why, Exception e) {
        System.out.println("[fault-injection] fast start unavailable, starting the demo with java -jar: " + why);
        if (e != null) {
            e.printStackTrace(System.out);
        }
        return DemoApp.plainJvm();
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed; its log: " + log);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
