package dev.twophase.coordinator.fault;

import static dev.twophase.coordinator.fault.Xids.xid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.transaction.xa.XAException;

import org.junit.jupiter.api.Test;

/** The injector's decisions, checked on a private instance whose halt only records. */
class FaultInjectorTest {

    private final List<Integer> halts = new CopyOnWriteArrayList<>();
    private final FaultInjector injector = new FaultInjector(halts::add);

    @Test
    void isOffByDefaultAndRefusesToArmNamingTheProperty() {
        assertThat(injector.isEnabled()).isFalse();

        assertThatIllegalStateException().isThrownBy(() -> injector.arm("bankA:BEFORE_COMMIT:HALT"))
                .withMessageContaining("'bankA:BEFORE_COMMIT:HALT' was not armed")
                .withMessageContaining("twophase.faults.enabled=true");
        assertThat(injector.armed()).isEmpty();
    }

    @Test
    void failThrowsTheChosenXaErrorCodeNamingPointParticipantAndXid() {
        injector.enable();
        injector.arm("bankA:BEFORE_COMMIT:FAIL(XAER_RMFAIL)");

        XAException e = catchThrowableOfType(XAException.class, () -> injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("tm-1.42")));

        assertThat(e.errorCode).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(e).hasMessage("twophase fault injection: FAIL(XAER_RMFAIL) at BEFORE_COMMIT of bankA"
                + " xid=tm-1.42/tm-1.42.1 (format 4660) (rule bankA:BEFORE_COMMIT:FAIL(XAER_RMFAIL))");
    }

    @Test
    void actsOnlyOnItsParticipantAndCrashPoint() throws XAException {
        injector.enable();
        injector.arm("bankA:BEFORE_COMMIT:FAIL(XAER_RMERR)");

        injector.at("bankB", CrashPoint.BEFORE_COMMIT, xid("t"));
        injector.at("bankA", CrashPoint.AFTER_COMMIT, xid("t"));
        injector.at("bankA", CrashPoint.BEFORE_PREPARE, xid("t"));
        injector.at("banka", CrashPoint.BEFORE_COMMIT, xid("t"));

        assertThat(injector.fired()).isEmpty();
        assertThat(injector.armed()).containsExactly(Fault.parse("bankA:BEFORE_COMMIT:FAIL(XAER_RMERR)"));
    }

    @Test
    void actsOnceByDefaultAndIsThenDisarmed() {
        injector.enable();
        injector.arm("bankA:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)");

        assertThat(outcomes("bankA", CrashPoint.BEFORE_PREPARE, 3)).containsExactly("FAIL", "pass", "pass");
        assertThat(injector.armed()).isEmpty();
    }

    @Test
    void skipsTheFirstCallsThenActsTheGivenNumberOfTimes() {
        injector.enable();
        injector.arm("bankB:BEFORE_COMMIT:FAIL(XAER_RMFAIL):x2:skip=2");

        assertThat(outcomes("bankB", CrashPoint.BEFORE_COMMIT, 1)).containsExactly("pass");
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("bankB:BEFORE_COMMIT:FAIL(XAER_RMFAIL):x2:skip=1");
        assertThat(outcomes("bankB", CrashPoint.BEFORE_COMMIT, 2)).containsExactly("pass", "FAIL");
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("bankB:BEFORE_COMMIT:FAIL(XAER_RMFAIL)");
        assertThat(outcomes("bankB", CrashPoint.BEFORE_COMMIT, 3)).containsExactly("FAIL", "pass", "pass");
        assertThat(injector.armed()).isEmpty();
        assertThat(injector.fired()).extracting(FiredFault::call).containsExactly(3L, 4L);
    }

    @Test
    void alwaysActsOnEveryCallAndStaysArmed() {
        injector.enable();
        injector.arm("broker:BEFORE_ROLLBACK:FAIL(XAER_RMERR):always:skip=1");

        assertThat(outcomes("broker", CrashPoint.BEFORE_ROLLBACK, 5)).containsExactly("pass", "FAIL", "FAIL", "FAIL", "FAIL");
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("broker:BEFORE_ROLLBACK:FAIL(XAER_RMERR):always");
    }

    @Test
    void actsExactlyTheGivenNumberOfTimesUnderConcurrentCalls() throws Exception {
        injector.enable();
        injector.arm("bankA:BEFORE_COMMIT:FAIL(XAER_RMFAIL):x5:skip=10");
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        try {
                            injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("t" + i));
                        } catch (XAException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(failures).hasValue(5);
        assertThat(injector.fired()).extracting(FiredFault::call).containsExactlyInAnyOrder(11L, 12L, 13L, 14L, 15L);
        assertThat(injector.armed()).isEmpty();
    }

    @Test
    void delayWaitsAndLetsTheCallGoOn() throws XAException {
        injector.enable();
        injector.arm("broker:AFTER_PREPARE:DELAY(300ms)");

        long started = System.nanoTime();
        injector.at("broker", CrashPoint.AFTER_PREPARE, xid("t"));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(300);
        assertThat(injector.fired()).hasSize(1);
    }

    @Test
    void delayedAndFailingRulesOnOneCallActInArmingOrder() {
        injector.enable();
        injector.arm("bankA:BEFORE_COMMIT:DELAY(10ms)");
        injector.arm("bankA:BEFORE_COMMIT:FAIL(XAER_RMFAIL)");
        injector.arm("bankA:BEFORE_COMMIT:FAIL(XAER_NOTA)");

        XAException e = catchThrowableOfType(XAException.class, () -> injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("t")));

        assertThat(e.errorCode).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(injector.fired()).extracting(f -> f.fault().action().toString()).containsExactly("DELAY(10ms)", "FAIL(XAER_RMFAIL)");
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("bankA:BEFORE_COMMIT:FAIL(XAER_NOTA)");
    }

    @Test
    void haltWritesOneLineToStderrThenHaltsWithTheStatus() throws XAException {
        injector.enable();
        injector.arm("bankA:BEFORE_COMMIT:HALT");
        injector.arm("bankB:AFTER_COMMIT:HALT(3)");

        String stderr = stderrOf(() -> {
            injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("tm-1.7"));
            injector.at("bankB", CrashPoint.AFTER_COMMIT, xid("tm-1.7"));
        });

        assertThat(halts).containsExactly(FaultAction.Halt.DEFAULT_STATUS, 3);
        assertThat(stderr.lines()).containsExactly(
                "TWOPHASE FAULT HALT at BEFORE_COMMIT of bankA xid=tm-1.7/tm-1.7.1 (format 4660) (rule bankA:BEFORE_COMMIT:HALT, exit status 99)",
                "TWOPHASE FAULT HALT at AFTER_COMMIT of bankB xid=tm-1.7/tm-1.7.1 (format 4660) (rule bankB:AFTER_COMMIT:HALT(3), exit status 3)");
    }

    @Test
    void haltListenersLearnWhereTheProcessDiesBeforeItDoesAndAFailingOneDoesNotStopTheHalt() throws Exception {
        injector.enable();
        List<String> heard = new ArrayList<>();
        injector.beforeHalt(f -> {
            throw new IllegalStateException("disk full");
        });
        AutoCloseable second = injector.beforeHalt(f -> heard.add(f.gtrid() + " " + f.fault().point() + " halts so far " + halts.size()));
        injector.arm("bankA:BEFORE_COMMIT:HALT");

        String stderr = stderrOf(() -> injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("tm-1.7")));

        assertThat(heard).containsExactly("tm-1.7 BEFORE_COMMIT halts so far 0");
        assertThat(halts).containsExactly(FaultAction.Halt.DEFAULT_STATUS);
        assertThat(stderr).contains("listener failed, halting anyway: java.lang.IllegalStateException: disk full");

        second.close();
        injector.arm("bankA:BEFORE_COMMIT:HALT");
        stderrOf(() -> injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("tm-1.8")));
        assertThat(heard).hasSize(1);
        assertThat(halts).hasSize(2);
    }

    @Test
    void recordsWhatFiredWhenAndOnWhichBranch() throws XAException {
        injector.enable();
        injector.arm("bankA:DURING_RECOVER:DELAY(1ms)");
        injector.arm("bankA:AFTER_PREPARE:DELAY(1ms)");

        injector.at("bankA", CrashPoint.DURING_RECOVER, null);
        injector.at("bankA", CrashPoint.AFTER_PREPARE, xid("tm-1.9"));

        assertThat(injector.fired()).satisfiesExactly(
                recover -> {
                    assertThat(recover.fault()).hasToString("bankA:DURING_RECOVER:DELAY(1ms)");
                    assertThat(recover.xid()).isNull();
                    assertThat(recover.thread()).isEqualTo(Thread.currentThread().getName());
                },
                prepare -> {
                    assertThat(prepare.xid()).isEqualTo("tm-1.9/tm-1.9.1 (format 4660)");
                    assertThat(prepare.gtrid()).isEqualTo("tm-1.9");
                    assertThat(prepare.at()).isAfterOrEqualTo(injector.fired().get(0).at());
                    assertThat(prepare).asString().contains("DELAY(1ms) at AFTER_PREPARE of bankA xid=tm-1.9/tm-1.9.1 (format 4660)");
                });
        injector.clearFired();
        assertThat(injector.fired()).isEmpty();
    }

    @Test
    void keepsABoundedHistory() throws XAException {
        injector.enable();
        injector.arm(Fault.of("bankA", CrashPoint.BEFORE_COMMIT, FaultAction.halt()).withTimes(Fault.ALWAYS));

        stderrOf(() -> {
            for (int i = 0; i < FaultInjector.HISTORY_LIMIT + 5; i++) {
                injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("t"));
            }
        });

        assertThat(injector.fired()).hasSize(FaultInjector.HISTORY_LIMIT);
        assertThat(injector.fired().get(0).call()).isEqualTo(6);
    }

    @Test
    void disarmRemovesEveryRuleAndReturnsWhatWasLeft() {
        injector.enable();
        injector.arm("bankA:BEFORE_COMMIT:HALT");
        injector.arm("bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):x2");

        assertThat(injector.disarm()).extracting(Fault::toString)
                .containsExactly("bankA:BEFORE_COMMIT:HALT", "bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):x2");
        assertThat(injector.armed()).isEmpty();
        assertThatCode(() -> injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("t"))).doesNotThrowAnyException();
        assertThat(halts).isEmpty();
        assertThat(injector.isEnabled()).as("disarming does not disable").isTrue();
    }

    @Test
    void disarmingOneRuleLeavesTheOthersArmed() {
        injector.enable();
        Fault first = injector.arm("bankA:BEFORE_COMMIT:HALT");
        injector.arm("bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)");

        assertThat(injector.disarm(first)).isTrue();
        assertThat(injector.disarm(first)).isFalse();
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK)");
    }

    @Test
    void disableDisarmsAndRefusesFurtherRules() {
        injector.enable();
        injector.arm("bankA:BEFORE_COMMIT:HALT");

        injector.disable();

        assertThat(injector.isEnabled()).isFalse();
        assertThat(injector.armed()).isEmpty();
        assertThatIllegalStateException().isThrownBy(() -> injector.arm("bankA:BEFORE_COMMIT:HALT"));
        assertThatCode(() -> injector.at("bankA", CrashPoint.BEFORE_COMMIT, xid("t"))).doesNotThrowAnyException();
        assertThat(halts).isEmpty();
    }

    @Test
    void aNewInjectorIsDisabledUntilEnabled() {
        FaultInjector fresh = new FaultInjector();
        assertThat(fresh.isEnabled()).isFalse();
        assertThatIllegalStateException().isThrownBy(() -> fresh.arm("bankA:BEFORE_COMMIT:HALT"))
                .withMessageContaining("twophase.faults.enabled=true");
    }

    private List<String> outcomes(String participant, CrashPoint point, int calls) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            try {
                injector.at(participant, point, xid("t" + i));
                outcomes.add("pass");
            } catch (XAException e) {
                outcomes.add("FAIL");
            }
        }
        return outcomes;
    }

    interface XaCalls {
        void run() throws XAException;
    }

    private static String stderrOf(XaCalls calls) throws XAException {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            calls.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
