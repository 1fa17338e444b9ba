package dev.twophase.demo.browser;

import static dev.twophase.demo.support.RealParticipantsTest.balance;
import static dev.twophase.demo.support.RealParticipantsTest.preparedAnywhere;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.twophase.testing.ArtemisBrokerProcess;
import dev.twophase.testing.DatabaseProbe;

/**
 * The page's crash-and-recover drill, in headless Chromium, against the demo started the way a person
 * starts the drill: its executable jar with the {@code drill} profile (here with {@code real}: PostgreSQL,
 * MariaDB and the Artemis broker). That process is the drill's supervisor; the application runs as its
 * child, and the fault's {@code HALT} kills the child like a power cut, so it cannot run in this test's JVM.
 * Each test presses <em>Crash it</em>, sees the page lose the server, the supervisor's restart, recovery
 * and the consistency check pass, and then checks the participants themselves: the balances or rows, and
 * nothing prepared in PostgreSQL, MariaDB or the broker.
 */
class DrillBrowserIT {

    static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static final String OPERATOR = "drill-ops";
    private static final String PASSWORD = "drill-ops-secret";
    private static final DatabaseProbe bankA = DatabaseProbe.postgres();
    private static final DatabaseProbe bankB = DatabaseProbe.mysql();

    private static Process supervisor;
    private static Path log;
    private static int port;
    private static WebDriver browser;

    private String step;
    private int shot;

    @BeforeAll
    static void startDemoUnderItsSupervisor() throws Exception {
        bankA.reset();
        bankB.reset();
        ArtemisBrokerProcess broker = ArtemisBrokerProcess.shared();
        Path dir = Path.of("target", "drill-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        Files.createDirectories(dir);
        log = dir.resolve("demo.log");
        port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx512m", "-jar", demoJar().toString(),
                "--spring.profiles.active=real,drill",
                "--server.port=" + port,
                "--twophase.data-dir=" + dir.resolve("data"),
                "--twophase.coordinator.tm-name=drill-" + ProcessHandle.current().pid(),
                "--twophase.participants.jdbc.bank-a.url=" + bankA.server().url(),
                "--twophase.participants.jdbc.bank-a.username=" + bankA.server().username(),
                "--twophase.participants.jdbc.bank-a.password=" + bankA.server().password(),
                "--twophase.participants.jdbc.bank-b.url=" + bankB.server().url(),
                "--twophase.participants.jdbc.bank-b.username=" + bankB.server().username(),
                "--twophase.participants.jdbc.bank-b.password=" + bankB.server().password(),
                "--twophase.participants.jms.broker.url=" + broker.url(),
                "--twophase.console.remote.users." + OPERATOR + ".password=" + PASSWORD,
                "--twophase.console.remote.users." + OPERATOR + ".role=operator",
                "--spring.main.banner-mode=off"));
        supervisor = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitHttp(Duration.ofSeconds(120));
        Files.createDirectories(SCREENSHOTS);
        browser = Chromium.start(1900);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (supervisor != null) {
            List<ProcessHandle> children = supervisor.descendants().toList();
            supervisor.destroy(); // SIGTERM: the supervisor stops its child gracefully, waits for it, then ends
            boolean ended = supervisor.waitFor(60, TimeUnit.SECONDS);
            List<ProcessHandle> left = children.stream().filter(ProcessHandle::isAlive).toList();
            left.forEach(ProcessHandle::destroyForcibly); // never leave one holding the port
            if (!ended) {
                supervisor.destroyForcibly();
            }
            assertThat(ended).as("the supervisor ended on SIGTERM").isTrue();
            assertThat(left).as("the supervisor's child stopped before it").isEmpty();
        }
    }

    @BeforeEach
    void open(TestInfo test) {
        step = test.getTestMethod().orElseThrow().getName();
        shot = 0;
        browser.get("http://127.0.0.1:" + port + "/");
        await(Duration.ofSeconds(15)).until(d -> byId("drill").isDisplayed()
                && byId("drill-supervisor").getText().contains("A supervisor restarts this server"));
        if (!byId("admin-session").isDisplayed()) {
            fill("admin-user", OPERATOR);
            fill("admin-password", PASSWORD);
            byId("admin-login").click();
            await(Duration.ofSeconds(15)).until(d -> byId("admin-session").isDisplayed());
        }
    }

    @Test
    void aCrashAfterTheCommitDecisionIsCommittedEverywhereAndThePageShowsEachStep() throws Exception {
        long a = balance(bankA, "A-0001");
        long b = balance(bankB, "B-0001");
        long pid = childPid();

        crash("transfer", "bank-b", "BEFORE_COMMIT");

        // The page sees the server go, then come back, then every step of the drill done.
        await(Duration.ofSeconds(10)).until(d -> "lost".equals(byId("drill-connection").getAttribute("data-state")));
        screenshot("connection-lost");
        awaitRecovered();
        assertThat(byId("drill-connection").getAttribute("data-state")).isEqualTo("up");
        assertThat(childPid()).as("the supervisor started a new process").isNotEqualTo(pid);
        assertThat(log).content().contains("TWOPHASE FAULT HALT at BEFORE_COMMIT of bank-b").contains("starting it again (restart 1)");
        assertThat(byId("drill-message").getText()).contains("Recovery committed what the crash left in doubt");
        assertThat(byId("drill-steps").getText()).contains("consistency check passes: committed at every participant");

        // The timeline shows the cut transaction as the restarted process saw it: each branch recovery found prepared
        // ("recover: in doubt"), then its commit; bank B among them, since its commit never ran.
        WebElement cut = onTimeline(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#timeline-list li.tl-drill"));
            return found.isEmpty() || !"committed".equals(found.get(0).getAttribute("data-outcome")) ? null : found.get(0);
        });
        assertThat(cut.getAttribute("data-action")).isEqualTo("recovery of the transfer (drill)");
        List<String> recovered = new ArrayList<>();
        for (WebElement row : cut.findElements(By.cssSelector(".tl-row"))) {
            List<WebElement> bars = row.findElements(By.cssSelector(".tl-bar"));
            assertThat(bars).extracting(bar -> bar.getAttribute("data-step") + " " + bar.getAttribute("data-result"))
                    .containsExactly("recover in doubt", "commit ok");
            recovered.add(row.getAttribute("data-actor"));
        }
        assertThat(recovered).contains("bank-b");
        screenshot(byId("timeline"), "timeline");
        screenshot(byId("drill"), "drill");

        // The participants: the transfer happened once, and nothing is left prepared anywhere.
        assertThat(balance(bankA, "A-0001")).isEqualTo(a - 100);
        assertThat(balance(bankB, "B-0001")).isEqualTo(b + 100);
        assertThat(preparedAnywhere()).isEmpty();
        screenshot("recovered");
    }

    @Test
    void aCrashBeforeTheDecisionIsRolledBackEverywhere() throws Exception {
        long stock = bankA.queryLong("SELECT SUM(stock) FROM product");
        long orders = bankB.queryLong("SELECT COUNT(*) FROM purchase_order");

        crash("order", "broker", "AFTER_PREPARE");

        await(Duration.ofSeconds(10)).until(d -> "lost".equals(byId("drill-connection").getAttribute("data-state")));
        awaitRecovered();
        assertThat(byId("drill-message").getText()).contains("Recovery rolled back what the crash left in doubt");
        assertThat(byId("drill-steps").getText()).contains("consistency check passes: rolled back at every participant");
        WebElement cut = onTimeline(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#timeline-list li.tl-drill"));
            return found.isEmpty() || !"rolled back".equals(found.get(0).getAttribute("data-outcome")) ? null : found.get(0);
        });
        assertThat(cut.findElements(By.cssSelector(".tl-row[data-actor='broker'] .tl-bar")))
                .extracting(bar -> bar.getAttribute("data-step") + " " + bar.getAttribute("data-result"))
                .containsExactly("recover in doubt", "rollback ok");
        screenshot(byId("drill"), "drill");

        assertThat(bankA.queryLong("SELECT SUM(stock) FROM product")).isEqualTo(stock);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM purchase_order")).isEqualTo(orders);
        assertThat(preparedAnywhere()).isEmpty();
    }

    private void crash(String flow, String participant, String point) throws IOException {
        await(Duration.ofSeconds(30)).until(d -> byId("drill-start").isEnabled());
        new Select(byId("drill-flow")).selectByValue(flow);
        new Select(byId("drill-participant")).selectByValue(participant);
        new Select(byId("drill-point")).selectByValue(point);
        screenshot("chosen");
        byId("drill-start").click();
    }

    /** Until the page shows the drill recovered: restarted, recovery complete, consistent (a real-profile start takes ~15 s). */
    private void awaitRecovered() throws IOException {
        try {
            await(Duration.ofSeconds(90)).until(d -> "RECOVERED".equals(byId("drill-status").getAttribute("data-stage")));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("not-recovered");
            throw new AssertionError("the page did not show the drill recovered; it says: " + byId("drill").getText()
                    + "\nthe demo's log ends: " + tail(), e);
        }
        for (WebElement item : browser.findElements(By.cssSelector("#drill-steps li"))) {
            assertThat(item.getAttribute("data-state")).as(item.getText()).isEqualTo("done");
        }
        // In the order they happened: recovery may finish before or after the server serves again.
        assertThat(browser.findElements(By.cssSelector("#drill-steps li"))).extracting(i -> i.getAttribute("data-step"))
                .containsExactlyInAnyOrder("armed", "halted", "restarted", "ready", "recovery", "consistent")
                .startsWith("armed", "halted", "restarted").endsWith("consistent");
    }

    /** The application process the supervisor runs now. */
    private static long childPid() {
        return supervisor.children().findFirst().orElseThrow(() -> new AssertionError("the supervisor runs no application")).pid();
    }

    private static Path demoJar() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("bank-transfer-demo-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no executable jar in target/: the drill test runs after mvn package"))
                    .toAbsolutePath();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitHttp(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!supervisor.isAlive()) {
                throw new IllegalStateException("the demo under its supervisor ended with status " + supervisor.exitValue() + ": " + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/drill")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the demo did not serve within " + timeout.toSeconds() + " s: " + tail());
    }

    private static String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Reads the timeline afresh until {@code check} answers: the page redraws it every 2 s. */
    private static <T> T onTimeline(java.util.function.Function<WebDriver, T> check) {
        return await(Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class).until(check::apply);
    }

    private void fill(String id, String text) {
        WebElement input = byId(id);
        input.clear();
        input.sendKeys(text);
    }

    private static WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private static WebDriverWait await(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout, Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private void screenshot(WebElement element, String what) throws IOException {
        Path file = SCREENSHOTS.resolve(String.format("%s-%02d-%s.png", step, ++shot, what));
        Files.copy(element.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    private void screenshot(String what) throws IOException {
        Path file = SCREENSHOTS.resolve(String.format("%s-%02d-%s.png", step, ++shot, what));
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
