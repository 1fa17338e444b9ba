package dev.twophase.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.testing.TestServers;

/**
 * The demo application as a child JVM in the {@code real} profile: started from its executable
 * jar, so a fault can halt it like a power cut and the next start recovers from the same
 * recovery log. One instance = one process; {@link Config#start} again for the restart.
 */
final class DemoApp implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** The console user the suite arms faults as (operator role). */
    static final String OPERATOR = "fault-suite";
    private static final String OPERATOR_PASSWORD = "fault-suite-secret";

    /**
     * How to start the application. The same config (TM name, data directory, port) is used for
     * the restart after a crash, so the coordinator finds its recovery log.
     */
    record Config(String tmName, Path dataDir, String brokerUrl, String bankAUrl, String bankBUrl, int port,
            Map<String, String> extra) {

        static Config of(String tmName, Path dataDir, String brokerUrl) {
            return new Config(tmName, dataDir, brokerUrl, TestServers.postgres().url(), TestServers.mysql().url(), freePort(),
                    suiteProperties());
        }

        /**
         * Application properties every start of this suite run gets, from
         * {@code -Dtwophase.faults.app-properties=key=value,key=value}: the matrix on another setting,
         * e.g. {@code twophase.participants.jms.broker.pool=pooled-jms} or {@code twophase.coordinator.log-store=atomikos}.
         */
        static Map<String, String> suiteProperties() {
            Map<String, String> properties = new LinkedHashMap<>();
            String value = System.getProperty("twophase.faults.app-properties", "");
            for (String pair : value.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("-Dtwophase.faults.app-properties takes key=value pairs separated by commas, not '"
                            + pair + "'");
                }
                properties.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
            return Map.copyOf(properties);
        }

        Config with(String property, String value) {
            Map<String, String> more = new LinkedHashMap<>(extra);
            more.put(property, value);
            return new Config(tmName, dataDir, brokerUrl, bankAUrl, bankBUrl, port, more);
        }


        Config withBankB(String url) {
            return new Config(tmName, dataDir, brokerUrl, bankAUrl, url, port, extra);
        }


        /** Starts the application and waits until it serves HTTP (recovery may still be running). */
        DemoApp start() {
            DemoApp app = launch();
            try {
                app.awaitHttp();
            } catch (RuntimeException e) {
                // Never leave a half-started process holding the port and the recovery log lock.
                try {
                    app.kill();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw e;
            }
            return app;
        }

        /** Starts the application without waiting for it (it may halt before it serves anything). */
        DemoApp launch() {
            return DemoApp.launch(this);
        }
    }

    private final Config config;
    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoApp(Config config, Process process, Path log) {
        this.config = config;
        this.process = process;
        this.log = log;
    }

    private static DemoApp launch(Config c) {
        try {
            return launch(c, FastStart.jvm(c));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the demo application", e);
        }
    }

    /** The plain way to start the demo: its executable jar. */
    static List<String> plainJvm() {
        return List.of(javaExecutable(), "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx512m", "-jar", demoJar().toString());
    }

    /** Starts a process from a complete command line (the fast-start training run) as an instance of this class. */
    static DemoApp launch(Config c, List<String> jvm) throws IOException {
        Files.createDirectories(c.dataDir());
        Path log = c.dataDir().resolve("app-" + System.currentTimeMillis() + ".log");
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(arguments(c));
        return new DemoApp(c, new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    }

    /** The application's arguments for a config: profile, port, data directory, TM name, participants. */
    private static List<String> arguments(Config c) {
        List<String> cmd = new ArrayList<>(List.of(
                "--spring.profiles.active=real",
                "--server.port=" + c.port(),
                "--twophase.data-dir=" + c.dataDir().resolve("data"),
                "--twophase.coordinator.tm-name=" + c.tmName(),
                "--twophase.participants.jdbc.bank-a.url=" + c.bankAUrl(),
                "--twophase.participants.jdbc.bank-a.username=" + TestServers.postgres().username(),
                "--twophase.participants.jdbc.bank-a.password=" + TestServers.postgres().password(),
                "--twophase.participants.jdbc.bank-b.url=" + c.bankBUrl(),
                "--twophase.participants.jdbc.bank-b.username=" + TestServers.mysql().username(),
                "--twophase.participants.jdbc.bank-b.password=" + TestServers.mysql().password(),
                "--twophase.participants.jms.broker.url=" + c.brokerUrl(),
                "--twophase.faults.enabled=true",
                // A crashed Saga, TCC or outbox transfer is taken by recovery 2 s after its last change, not the default 10 s.
                "--twophase.patterns.stale-after=2s",
                "--management.endpoint.health.show-details=always",
                "--logging.level.dev.twophase.demo.events.EventPublisher=DEBUG",
                "--spring.main.banner-mode=off"));
        // /admin/faults needs the operator role: the suite logs in as this console user.
        cmd.add("--twophase.console.remote.users." + OPERATOR + ".password=" + OPERATOR_PASSWORD);
        cmd.add("--twophase.console.remote.users." + OPERATOR + ".role=operator");
        c.extra().forEach((k, v) -> cmd.add("--" + k + "=" + v));
        return cmd;
    }


    Path logFile() {
        return log;
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }


    /** Waits for the process to end by itself (a HALT fault); true if it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }


    /** SIGKILL: the process dies at once, like a power cut. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stops running, as in a long GC pause or a frozen VM; it holds its sockets and lease. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a paused process runs on. Harmless on a process that has ended. */
    void resume() throws IOException, InterruptedException {
        if (process.isAlive()) {
            signal("CONT");
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** SIGTERM: Spring closes the context and Atomikos shuts down. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + config.port();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(request(path).timeout(Duration.ofSeconds(30)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every request as the operator console user: /admin/faults needs it, the API ignores it. */
    private HttpRequest.Builder request(String path) {
        String credentials = OPERATOR + ":" + OPERATOR_PASSWORD;
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Arms a fault through the admin endpoint; fails unless the application accepted it. */
    void arm(String rule) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/admin/faults", JSON.createObjectNode().put("rule", rule).toString());
        if (r.statusCode() != 201) {
            throw new AssertionError("arming '" + rule + "' answered " + r.statusCode() + ": " + r.body());
        }
    }

    void disarm() throws IOException, InterruptedException {
        HttpResponse<String> r = delete("/admin/faults");
        if (r.statusCode() != 204) {
            throw new AssertionError("disarming answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The {@code recovery} health component: status and details. */
    JsonNode recoveryHealth() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/actuator/health/recovery");
        return JSON.readTree(r.body());
    }

    /** Waits until the coordinator reports recovery complete; returns the seconds it took from {@code since}. */
    double awaitRecovered(long sinceNanos, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the application died during recovery; log " + log + ":\n" + tail(60));
            }
            try {
                last = recoveryHealth();
                if ("UP".equals(last.path("status").asText())) {
                    return (System.nanoTime() - sinceNanos) / 1e9;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("recovery did not complete within " + timeout.toSeconds() + " s; last health " + last
                + "; log " + log + ":\n" + tail(60));
    }

    /** The consistency report of GET /api/consistency. */
    JsonNode consistency() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/consistency").body());
    }

    String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    void awaitHttp() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the demo application exited with " + process.exitValue()
                        + " while starting; log " + log + ":\n" + tail(80));
            }
            try {
                get("/actuator/health/liveness"); // any answer: the web server is up
                return;
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("the demo application did not serve HTTP within " + START_TIMEOUT.toSeconds()
                + " s; log " + log + ":\n" + tail(80));
    }

    static Path demoJar() {
        String jar = System.getProperty("twophase.demo.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the demo jar is missing (system property twophase.demo.jar = " + jar
                    + "); build it first: ./mvnw -pl bank-transfer-demo -am -DskipTests package");
        }
        return Path.of(jar);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
