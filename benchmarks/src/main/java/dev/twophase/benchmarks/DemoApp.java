package dev.twophase.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo application ({@code bank-transfer-demo}'s jar) in its own JVM on the benchmark's servers
 * and databases, driven over HTTP: the transfer in each of its modes (XA, Saga, TCC, outbox), and
 * its consistency checker, which says when the eventual modes have finished their work. Its pools
 * get the benchmark's pool size, like every other mode's.
 */
final class DemoApp implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Pattern CONSISTENT = Pattern.compile("\"consistent\"\\s*:\\s*true");
    private static final Pattern PROBLEM_TITLE = Pattern.compile("\"title\"\\s*:\\s*\"([^\"]*)\"");

    private final Process process;
    private final Path log;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** Stops the demo if the benchmark is interrupted (Ctrl-C) before it closes it. */
    private final Thread stopOnExit;

    private DemoApp(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
        this.stopOnExit = new Thread(process::destroyForcibly, "demo-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts the demo jar with the {@code real} profile against the benchmark's databases and broker
     * and waits until it answers.
     *
     * @throws IllegalArgumentException when the jar does not exist (with the command that builds it)
     * @throws IllegalStateException when it exits or does not answer within three minutes (with its log's end)
     */
    static DemoApp start(Path jar, BenchSettings s, Map<String, String> coordinator) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--demo-jar " + jar + " does not exist: build it with ./mvnw -B -q -pl bank-transfer-demo"
                    + " -am -DskipTests package, pass its path, or leave the demo modes (p-*) out of --modes");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dir = s.workDir().resolve("demo-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        Path log = dir.resolve("demo.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", jar.toAbsolutePath().toString(),
                "--spring.profiles.active=real",
                "--server.port=" + port,
                "--twophase.data-dir=" + dir.resolve("data"),
                "--twophase.coordinator.tm-name=bench-demo",
                "--twophase.participants.jms.broker.url=" + s.brokerUrl(),
                "--twophase.participants.jms.broker.max-pool-size=" + s.poolSize(),
                "--twophase.patterns.pool-size=" + Math.max(2, s.poolSize()),
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level.com.atomikos=ERROR"));
        coordinator.forEach((key, value) -> command.add("--" + key + "=" + value));
        bank(command, "bank-a", s.pgUrl(), s.pgUser(), s.poolSize());
        bank(command, "bank-b", s.mysqlUrl(), s.mysqlUser(), s.poolSize());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The passwords through the environment, not the command line, which any user of the machine can list.
        builder.environment().put("SPRING_APPLICATION_JSON", passwords(s, coordinator.containsKey("twophase.coordinator.log-database.url")));
        Process process = builder.start();
        DemoApp demo = new DemoApp(process, log, "http://127.0.0.1:" + port);
        try {
            demo.awaitStarted();
        } catch (RuntimeException | InterruptedException e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    private static void bank(List<String> command, String name, String url, String user, int poolSize) {
        String prefix = "--twophase.participants.jdbc." + name + ".";
        command.add(prefix + "url=" + url);
        command.add(prefix + "username=" + (user == null ? "" : user));
        command.add(prefix + "min-pool-size=" + poolSize);
        command.add(prefix + "max-pool-size=" + poolSize);
    }

    /**
     * {@code {"twophase.participants.jdbc.bank-a.password": …, …}} as Spring reads SPRING_APPLICATION_JSON (with the
     * coordinator log database's password when the log is in PostgreSQL: bank A's, as for the benchmark's own coordinator).
     */
    private static String passwords(BenchSettings s, boolean logDatabase) {
        return "{" + jsonEntry("twophase.participants.jdbc.bank-a.password", s.pgPassword()) + ","
                + jsonEntry("twophase.participants.jdbc.bank-b.password", s.mysqlPassword())
                + (logDatabase ? "," + jsonEntry("twophase.coordinator.log-database.password", s.pgPassword()) : "") + "}";
    }

    private static String jsonEntry(String key, String value) {
        String text = value == null ? "" : value;
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                escaped.append('\\');
            }
            if (c < 0x20) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return "\"" + key + "\":\"" + escaped + "\"";
    }

    private void awaitStarted() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the demo exited with " + process.exitValue() + " while starting; its log ends:\n" + tail());
            }
            try {
                if (get("/api/consistency").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the demo did not answer within " + STARTUP.toSeconds() + " s; its log ends:\n" + tail());
    }

    /** What the benchmark's report says about this peer. */
    String describe() {
        return "bank-transfer-demo, profile real, in its own JVM at " + url;
    }

    /**
     * One transfer through {@code POST /api/transfers} in the mode's {@code mode}, with the
     * transfer's own idempotency key.
     *
     * @throws IllegalStateException when the answer is neither 201 nor 202 (with the problem's title)
     */
    void transfer(Mode mode, TransferWork.Transfer t) throws IOException, InterruptedException {
        String body = String.format(java.util.Locale.ROOT,
                "{\"from\":{\"bank\":\"%s\",\"account\":\"%s\"},\"to\":{\"bank\":\"%s\",\"account\":\"%s\"},\"amountCents\":%d,"
                        + "\"idempotencyKey\":\"%s\",\"mode\":\"%s\"}",
                t.fromBank(), t.from(), t.toBank(), t.to(), t.amountCents(), t.idempotencyKey(), mode.requestMode());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/transfers"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201 && response.statusCode() != 202) {
            Matcher title = PROBLEM_TITLE.matcher(response.body());
            throw new IllegalStateException("HTTP " + response.statusCode() + (title.find() ? ": " + title.group(1) : ""));
        }
    }

    /**
     * Waits until the demo's consistency checker passes: every event consumed, every credit applied,
     * no Saga or TCC unfinished, money conserved.
     *
     * @return how long that took
     * @throws IllegalStateException when it does not pass within {@code limit}, with the checker's last answer
     */
    Duration awaitConsistent(Duration limit) throws IOException, InterruptedException {
        long start = System.nanoTime();
        String last = "";
        while (System.nanoTime() - start < limit.toNanos()) {
            HttpResponse<String> response = get("/api/consistency");
            last = response.body();
            if (response.statusCode() == 200 && CONSISTENT.matcher(last).find()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the demo was not consistent " + limit.toSeconds() + " s after the load: "
                + last.substring(0, Math.min(2000, last.length())));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops the demo: a graceful shutdown, forced after 30 s. */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook stops the demo
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
