package dev.twophase.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.twophase.participants.artemis.StandaloneBroker;

/**
 * A real Artemis broker ({@link StandaloneBroker}) in a child JVM, so that tests can crash it with
 * SIGKILL and start it again on the same journal: the way to prove that prepared XA branches and
 * committed messages survive a broker crash.
 *
 * <p>The child's output goes to {@code broker.log} in the data directory. Use {@link #shared()} for a
 * broker that lives as long as the test JVM; use {@link #start} for a test that kills or restarts the
 * broker, so that other tests do not see it die. Not for production.
 */
public final class ArtemisBrokerProcess implements AutoCloseable {

    /** Environment variable naming an already running broker that {@link #shared()} returns instead of starting one. */
    public static final String BROKER_URL_ENV = "TWOPHASE_TEST_BROKER_URL";

    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private static ArtemisBrokerProcess shared;

    private final String url;
    private final int port;
    private final Path dataDir;
    private Process process;

    private ArtemisBrokerProcess(String url, int port, Path dataDir) {
        this.url = url;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts a broker on a free port. Blocks until it accepts connections (at most 30 s). */
    public static ArtemisBrokerProcess start(Path dataDir) {
        return start(dataDir, freePort());
    }

    /**
     * Starts a broker on the given port and data directory; an existing journal there is recovered.
     *
     * @throws IllegalStateException with the tail of {@code broker.log} when the broker does not start in 30 s
     */
    public static ArtemisBrokerProcess start(Path dataDir, int port) {
        Path dir = dataDir.toAbsolutePath();
        ArtemisBrokerProcess broker = new ArtemisBrokerProcess("tcp://" + HOST + ":" + port, port, dir);
        broker.launch();
        return broker;
    }

    /**
     * The broker shared by all tests of this JVM: the one named by {@value #BROKER_URL_ENV} when it is
     * set (it cannot be killed, stopped or restarted from here), else one started on first use under
     * {@code target/artemis-broker-<pid>} and stopped when the JVM exits. Tests must not kill or stop
     * the shared broker; they should use queue names of their own.
     */
    public static synchronized ArtemisBrokerProcess shared() {
        if (shared == null) {
            String external = System.getenv(BROKER_URL_ENV);
            if (external != null && !external.isBlank()) {
                URI uri = URI.create(external.strip());
                shared = new ArtemisBrokerProcess(external.strip(), uri.getPort(), null);
            } else {
                ArtemisBrokerProcess started = start(Path.of("target", "artemis-broker-" + ProcessHandle.current().pid()));
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "twophase-shared-broker-stop"));
                shared = started;
            }
        }
        return shared;
    }

    /** Client URL, {@code tcp://127.0.0.1:<port>}. */
    public String url() {
        return url;
    }

    /** TCP port the broker listens on. */
    public int port() {
        return port;
    }

    /** Journal, bindings and {@code broker.log} live here; {@code null} for an external broker. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether the child JVM is running (an external broker is assumed to be). */
    public synchronized boolean isAlive() {
        return isExternal() || (process != null && process.isAlive());
    }

    /** Crashes the broker like a power cut (SIGKILL) and waits until the process is gone. */
    public synchronized void kill() {
        requireManaged("kill");
        if (process != null) {
            process.destroyForcibly();
            waitForExit(process);
        }
    }

    /** Stops the broker cleanly (SIGTERM, then SIGKILL after 30 s) and waits until the process is gone. */
    public synchronized void stop() {
        requireManaged("stop");
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            waitForExit(process);
        }
    }

    /** Stops the broker if it runs, then starts it again on the same port and data directory. */
    public synchronized void restart() {
        requireManaged("restart");
        stop();
        launch();
    }

    /** Stops the broker; does nothing for an external one. */
    @Override
    public void close() {
        if (!isExternal()) {
            stop();
        }
    }

    @Override
    public String toString() {
        return "Artemis broker " + url + (isExternal() ? " (external, from " + BROKER_URL_ENV + ")" : " (data " + dataDir + ")");
    }

    private boolean isExternal() {
        return dataDir == null;
    }

    private void requireManaged(String operation) {
        if (isExternal()) {
            throw new IllegalStateException("cannot " + operation + " the broker at " + url + ": it was given by "
                    + BROKER_URL_ENV + " and is not run by this JVM. Unset " + BROKER_URL_ENV
                    + " to let the tests start their own broker, or skip tests that crash the broker.");
        }
    }

    private synchronized void launch() {
        Path log = dataDir.resolve("broker.log");
        try {
            Files.createDirectories(dataDir);
            Path logback = writeLoggingConfig();
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-Dlogback.configurationFile=" + logback.toUri(),
                    "-cp", System.getProperty("java.class.path"),
                    StandaloneBroker.class.getName(),
                    "--data-dir", dataDir.toString(), "--host", HOST, "--port", Integer.toString(port),
                    "--parent-pid", Long.toString(ProcessHandle.current().pid())));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            awaitReady(log, logStart);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Artemis broker process on port " + port + " (log " + log + ")", e);
        }
    }

    private void awaitReady(Path log, long logStart) throws IOException {
        String ready = StandaloneBroker.READY + url;
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (newOutput(log, logStart).contains(ready)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the Artemis broker process on port " + port + " exited with code "
                        + process.exitValue() + " before it was ready. Last lines of " + log + ":\n" + tail(log, logStart));
            }
            sleep(50);
        }
        process.destroyForcibly();
        waitForExit(process);
        throw new IllegalStateException("the Artemis broker process on port " + port + " did not print '" + ready + "' within "
                + STARTUP_TIMEOUT.toSeconds() + " s. Last lines of " + log + ":\n" + tail(log, logStart));
    }

    private static String newOutput(Path log, long from) throws IOException {
        if (!Files.exists(log) || Files.size(log) <= from) {
            return "";
        }
        byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) from, bytes.length - (int) from, StandardCharsets.UTF_8);
    }

    private static String tail(Path log, long from) throws IOException {
        List<String> lines = newOutput(log, from).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** Artemis logs every session and message at INFO (audit loggers); keep its log to what helps after a failure. */
    private Path writeLoggingConfig() throws IOException {
        Path file = dataDir.resolve("broker-logback.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.activemq.audit" level="WARN"/>
                  <logger name="org.apache.activemq.artemis" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        return file;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port for the Artemis broker", e);
        }
    }

    private static void waitForExit(Process p) {
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Artemis broker", e);
        }
    }
}
