package dev.twophase.demo.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.twophase.coordinator.fault.FaultInjector;

/**
 * The web page at {@code /}, as a person uses it, in headless Chromium (Debian's chromium and
 * chromium-driver, driven by Selenium) against the demo on its embedded default: H2 for both
 * banks and the embedded broker, nothing else. Every step leaves a screenshot under
 * {@code target/browser-screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twophase.faults.enabled=true",
        "twophase.console.remote.users.ops.password=ops-secret-1",
        "twophase.console.remote.users.ops.role=operator",
        "twophase.console.remote.users.watch.password=watch-secret-1",
        "twophase.console.remote.users.watch.role=monitor"})
class WebPageBrowserIT {

    /** The context's fault injector: it exists because twophase.faults.enabled=true. */
    @Autowired
    FaultInjector injector;

    static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

    private static WebDriver browser;

    @LocalServerPort
    int port;

    private String step;
    private int shot;

    /** H2 needs an explicit ./ for a relative path. One value: the supplier below is called at every read of the property. */
    private static final String DATA_DIR = "./target/browser-" + UUID.randomUUID().toString().substring(0, 8);

    @DynamicPropertySource
    static void embeddedDefault(DynamicPropertyRegistry registry) {
        registry.add("twophase.data-dir", () -> DATA_DIR);
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        browser = Chromium.start(1800);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void open(TestInfo test) {
        step = test.getTestMethod().orElseThrow().getName();
        shot = 0;
        injector.disarm();
        injector.clearFired();
        browser.get("http://127.0.0.1:" + port + "/");
        awaitRefreshAfter(0);
    }

    @AfterEach
    void disarm() {
        injector.disarm();
    }

    @Test
    void aTransferChangesBothBalancesOnThePage() throws IOException {
        long a = cents("balance-A-0001");
        long b = cents("balance-B-0001");
        java.util.Set<String> before = onTimeline(d -> timelineGtrids());
        screenshot("before");

        transfer("A:A-0001", "B:B-0001", "12.34");

        await().until(d -> cents("balance-A-0001") == a - 1234 && cents("balance-B-0001") == b + 1234);
        assertThat(byId("transfer-result").isDisplayed()).isTrue();
        assertThat(byId("transfer-error").isDisplayed()).isFalse();
        await().until(d -> consistent());
        screenshot("after");

        // The protocol timeline: the transfer's global transaction, committed, with a prepare (voting yes) and a
        // commit for each of the three participants, the decision logged after the last prepare and before the
        // first commit.
        String gtrid = onTimeline(d -> {
            WebElement tx = committedTransfer(before);
            if (tx == null) {
                return null;
            }
            int decision = order(tx, "coordinator", "log COMMITTING");
            for (String participant : List.of("bank-a", "bank-b", "broker")) {
                assertThat(bar(tx, participant, "prepare").getAttribute("data-result")).isEqualTo("yes");
                assertThat(order(tx, participant, "prepare")).as(participant + "'s prepare before the decision").isLessThan(decision);
                assertThat(order(tx, participant, "commit")).as(participant + "'s commit after the decision").isGreaterThan(decision);
                assertThat(order(tx, participant, "commit")).isLessThan(order(tx, "coordinator", "log TERMINATED"));
            }
            assertThat(tx.getAttribute("data-action")).isEqualTo("transfer");
            return tx.getAttribute("data-gtrid");
        });
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", byId("timeline"));
        screenshot("timeline");
        screenshot(byId("timeline"), "timeline-panel"); // docs/images/timeline.png

        // A click opens every step with its Xid, time and answer; it stays open across the page's refreshes.
        By entry = By.cssSelector("#timeline-list li[data-gtrid='" + gtrid + "']");
        By detail = By.cssSelector("#timeline-list li[data-gtrid='" + gtrid + "'] .tl-detail");
        WebElement clicked = onTimeline(d -> {
            WebElement tx = d.findElement(entry);
            tx.findElement(By.cssSelector(".tl-head")).click();
            return tx;
        });
        onTimeline(d -> d.findElement(detail).isDisplayed() ? true : null);
        await().until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(clicked)); // the 2 s poll drew the list again
        onTimeline(d -> d.findElement(detail).isDisplayed()
                && d.findElement(detail).getText().contains(gtrid + ":") && d.findElement(detail).getText().contains("prepare") ? true : null);
        screenshot(onTimeline(d -> d.findElement(entry)), "timeline-detail");
    }

    @Test
    void aSagaATccAndAnOutboxTransferFromThePageMoveTheMoneyAndShowTheirIntermediateStates() throws IOException {
        long a = cents("balance-A-0003");
        long b = cents("balance-B-0003");

        for (String mode : List.of("saga", "tcc", "outbox")) {
            new Select(byId("transfer-mode")).selectByValue(mode);
            transfer("A:A-0003", "B:B-0003", "1.00");
            await().until(d -> byId("transfer-result").isDisplayed() && byId("transfer-result").getText().startsWith(mode.toUpperCase()));
        }

        await().until(d -> cents("balance-A-0003") == a - 300 && cents("balance-B-0003") == b + 300);
        await().until(d -> consistent());
        String window = browser.findElement(By.cssSelector("[data-check='intermediate-states']")).getText();
        for (String mode : List.of("saga", "tcc", "outbox")) {
            java.util.regex.Matcher seen = java.util.regex.Pattern.compile(mode + ": (\\d+) seen half-done").matcher(window);
            assertThat(seen.find()).as("%s in '%s'", mode, window).isTrue();
            assertThat(Integer.parseInt(seen.group(1))).as("%s transfers seen half-done", mode).isPositive();
        }
        screenshot("patterns");

        // The timeline shows each pattern's own steps beside the XA transactions: local commits in each bank and the
        // log's states, no prepare and no commit decision.
        By saga = By.cssSelector("#timeline-list li[data-outcome='done']:has(.tl-row[data-actor='bank-b'] .tl-bar[data-step='credit action'])");
        By tcc = By.cssSelector("#timeline-list li[data-outcome='done']:has(.tl-bar[data-step='to confirm'])");
        By outbox = By.cssSelector("#timeline-list li[data-outcome='done']:has(.tl-bar[data-step='credit (consumer)'])");
        onTimeline(d -> {
            if (d.findElements(saga).isEmpty() || d.findElements(tcc).isEmpty() || d.findElements(outbox).isEmpty()) {
                return null;
            }
            WebElement sagaTx = d.findElement(saga);
            assertThat(order(sagaTx, "bank-a", "debit action")).isLessThan(order(sagaTx, "coordinator", "log DEBITED"));
            assertThat(order(sagaTx, "coordinator", "log DEBITED")).isLessThan(order(sagaTx, "bank-b", "credit action"));
            assertThat(order(sagaTx, "bank-b", "credit action")).isLessThan(order(sagaTx, "coordinator", "log DONE"));
            assertThat(sagaTx.findElements(By.cssSelector(".tl-bar[data-step='prepare'], .tl-bar[data-step='log COMMITTING']"))).isEmpty();
            return true;
        });
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", byId("timeline"));
        screenshot(byId("timeline"), "timeline-patterns"); // docs/images/timeline-patterns.png
    }

    @Test
    void aTransferWithInsufficientFundsShowsTheErrorAndLeavesTheBalancesAlone() throws IOException {
        long a = cents("balance-A-0002");
        long b = cents("balance-B-0002");
        long mark = refreshed();

        transfer("A:A-0002", "B:B-0002", "5000.00");

        await().until(d -> byId("transfer-error").isDisplayed());
        assertThat(byId("transfer-error").getText()).containsIgnoringCase("insufficient");
        awaitRefreshAfter(mark);
        assertThat(cents("balance-A-0002")).isEqualTo(a);
        assertThat(cents("balance-B-0002")).isEqualTo(b);
        screenshot("refused");
    }

    @Test
    void aLikeAndAnOrderUpdateThePage() throws IOException {
        long likes = Long.parseLong(byId("likes-art-2").getAttribute("data-count"));
        long stock = Long.parseLong(byId("stock-SKU-MUG").getAttribute("data-stock"));
        WebElement user = byId("like-user");
        user.clear();
        user.sendKeys("browser-" + UUID.randomUUID().toString().substring(0, 6));

        byId("like-art-2").click();
        await().until(d -> Long.parseLong(byId("likes-art-2").getAttribute("data-count")) == likes + 1);
        screenshot("liked");

        new Select(byId("order-sku")).selectByValue("SKU-MUG");
        fill("order-quantity", "2");
        fill("order-user", "browser-buyer");
        new Select(byId("order-strategy")).selectByValue("OPTIMISTIC");
        byId("order-submit").click();
        await().until(d -> Long.parseLong(byId("stock-SKU-MUG").getAttribute("data-stock")) == stock - 2);
        assertThat(byId("order-result").isDisplayed()).isTrue();
        await().until(d -> browser.findElements(By.cssSelector("#events [data-event-type='order']")).size() > 0);
        screenshot("ordered");
    }

    @Test
    void withAFaultArmedAfterPrepareATransferIsRefusedAndNothingChanges() throws IOException {
        assertThat(byId("faults").isDisplayed()).as("fault injection is enabled, so the panel shows").isTrue();
        // Arming a fault can halt the process: only a console user with the operator role may.
        fill("admin-user", "ops");
        fill("admin-password", "ops-secret-1");
        byId("admin-login").click();
        await().until(d -> byId("branches").isDisplayed() && !byId("admin-error").isDisplayed());
        long a = cents("balance-A-0003");
        long b = cents("balance-B-0003");
        new Select(byId("fault-participant")).selectByValue("bank-b");
        new Select(byId("fault-point")).selectByValue("AFTER_PREPARE");
        new Select(byId("fault-action")).selectByValue("FAIL");
        new Select(byId("fault-code")).selectByValue("XA_RBROLLBACK");
        byId("fault-arm").click();
        await().until(d -> byId("fault-armed").getText().contains("bank-b:AFTER_PREPARE:FAIL(XA_RBROLLBACK)"));
        assertThat(injector.armed()).hasSize(1);
        screenshot("armed");

        long mark = refreshed();
        transfer("A:A-0003", "B:B-0003", "7.00");

        await().until(d -> byId("transfer-error").isDisplayed());
        assertThat(byId("transfer-error").getText()).containsIgnoringCase("rolled back");
        awaitRefreshAfter(mark);
        assertThat(cents("balance-A-0003")).isEqualTo(a);
        assertThat(cents("balance-B-0003")).isEqualTo(b);
        assertThat(injector.fired()).hasSize(1);
        await().until(d -> consistent());
        screenshot("refused");

        // On the timeline: bank B's no vote, then a rollback on every other participant, and no commit anywhere.
        String gtrid = injector.fired().get(0).gtrid();
        By entry = By.cssSelector("#timeline-list li[data-gtrid='" + gtrid + "']");
        onTimeline(d -> {
            if (d.findElements(entry).isEmpty() || !"rolled back".equals(d.findElement(entry).getAttribute("data-outcome"))) {
                return null;
            }
            WebElement tx = d.findElement(entry);
            assertThat(bar(tx, "bank-b", "prepare").getAttribute("data-result")).isEqualTo("no: XA_RBROLLBACK");
            for (String participant : List.of("bank-a", "broker")) {
                assertThat(order(tx, participant, "rollback")).as(participant + " rolled back after the no vote")
                        .isGreaterThan(order(tx, "bank-b", "prepare"));
            }
            assertThat(tx.findElements(By.cssSelector(".tl-bar[data-step='commit']"))).isEmpty();
            assertThat(tx.findElements(By.cssSelector(".tl-bar[data-step='log COMMITTING']"))).isEmpty();
            return true;
        });
    }

    @Test
    void theAdminPanelNeedsAConsoleUserAndListsTheInDoubtBranches() throws IOException {
        fill("admin-user", "ops");
        fill("admin-password", "not-the-password");
        byId("admin-login").click();
        await().until(d -> byId("admin-error").isDisplayed());
        assertThat(byId("admin-error").getText()).contains("Admin login required");
        screenshot("wrong-password");

        fill("admin-password", "ops-secret-1");
        byId("admin-login").click();
        await().until(d -> byId("branches").isDisplayed() && !byId("admin-error").isDisplayed());
        assertThat(browser.findElements(By.cssSelector("#branches [data-xid]"))).as("nothing is in doubt").isEmpty();
        screenshot("logged-in");
    }

    // ---- helpers

    /**
     * Waits until {@code check} returns non-null, reading the timeline afresh each time: the page redraws it every
     * 2 s, so an element found a moment ago may be gone (then the check runs again). An assertion inside fails at once.
     */
    private static <T> T onTimeline(java.util.function.Function<WebDriver, T> check) {
        return await().ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(check::apply);
    }

    private java.util.Set<String> timelineGtrids() {
        java.util.Set<String> gtrids = new java.util.HashSet<>();
        browser.findElements(By.cssSelector("#timeline-list li[data-gtrid]")).forEach(tx -> gtrids.add(tx.getAttribute("data-gtrid")));
        return gtrids;
    }

    /**
     * The newest committed transaction on the timeline, not among {@code before}, in which bank B and the broker
     * prepared: a transfer, not an event's consumption (broker and bank A).
     */
    private WebElement committedTransfer(java.util.Set<String> before) {
        for (WebElement tx : browser.findElements(By.cssSelector("#timeline-list li[data-outcome='committed']"))) {
            if (!before.contains(tx.getAttribute("data-gtrid"))
                    && !tx.findElements(By.cssSelector(".tl-row[data-actor='bank-b'] .tl-bar[data-step='prepare']")).isEmpty()
                    && !tx.findElements(By.cssSelector(".tl-row[data-actor='broker'] .tl-bar[data-step='prepare']")).isEmpty()) {
                return tx;
            }
        }
        return null;
    }

    private static WebElement bar(WebElement tx, String actor, String step) {
        return tx.findElement(By.cssSelector(".tl-row[data-actor='" + actor + "'] .tl-bar[data-step='" + step + "']"));
    }

    /** The position of a step among all the transaction's steps, in the order they began. */
    private static int order(WebElement tx, String actor, String step) {
        return Integer.parseInt(bar(tx, actor, step).getAttribute("data-order"));
    }

    private void transfer(String from, String to, String amount) {
        new Select(byId("transfer-from")).selectByValue(from);
        new Select(byId("transfer-to")).selectByValue(to);
        fill("transfer-amount", amount);
        byId("transfer-submit").click();
    }

    private void fill(String id, String text) {
        WebElement input = byId(id);
        input.clear();
        input.sendKeys(text);
    }

    private boolean consistent() {
        return "true".equals(byId("consistency-status").getAttribute("data-consistent"));
    }

    private long cents(String id) {
        return Long.parseLong(byId(id).getAttribute("data-cents"));
    }

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    /** How many full refreshes the page has finished (page load, and one after each action). */
    private long refreshed() {
        Object value = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return document.body.dataset.refreshed || '0'");
        return Long.parseLong(value.toString());
    }

    /** Waits until the page has finished a full refresh after {@code mark} (taken before an action). */
    private void awaitRefreshAfter(long mark) {
        await().until(d -> refreshed() > mark);
    }

    private static WebDriverWait await() {
        return new WebDriverWait(browser, Duration.ofSeconds(15), Duration.ofMillis(100));
    }

    private void screenshot(WebElement element, String what) throws IOException {
        Path file = SCREENSHOTS.resolve(String.format("%s-%02d-%s.png", step, ++shot, what));
        Files.copy(element.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    private void screenshot(String what) throws IOException {
        Path file = SCREENSHOTS.resolve(String.format("%s-%02d-%s.png", step, ++shot, what));
        Path taken = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(taken, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
