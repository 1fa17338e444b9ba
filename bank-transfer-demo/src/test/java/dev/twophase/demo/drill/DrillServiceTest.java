package dev.twophase.demo.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.twophase.coordinator.fault.Fault;
import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.demo.consistency.ConsistencyReport;
import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

/**
 * The drill without the crash: what is refused (and then nothing is armed), a flow that never reaches its crash
 * point or is refused, the note that survives a restart, and what the restarted application makes of it. The
 * halt itself and the supervisor's restart are {@code DrillBrowserIT}'s, on the real servers.
 */
class DrillServiceTest {

    @TempDir
    Path dir;

    private final FaultInjector injector = new FaultInjector();
    private final XaTimeline timeline = new XaTimeline(10);
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private DrillService service;

    @AfterEach
    void close() throws Exception {
        if (service != null) {
            service.close();
        }
        timeline.close();
    }

    private DrillService service(DrillService.Flows flows, boolean consistent) {
        service = new DrillService(injector, timeline, new DrillStore(dir, json), flows,
                () -> new ConsistencyReport(consistent, Instant.now(), List.of()), () -> null, Clock.systemUTC(), Duration.ofMillis(20));
        return service;
    }

    @Test
    void refusesWithoutFaultInjectionAnUnknownChoiceAndASecondDrillArmingNothing() throws Exception {
        DrillService drills = service((flow, id) -> {
        }, true);
        assertThat(drills.available()).isFalse();
        assertThatThrownBy(() -> drills.start("transfer", "bank-b", "BEFORE_COMMIT")).isInstanceOfSatisfying(
                DrillService.RefusedException.class, e -> {
                    assertThat(e.refusal()).isEqualTo(DrillService.Refusal.UNAVAILABLE);
                    assertThat(e).hasMessageContaining("--spring.profiles.active=drill");
                });

        injector.enable();
        assertThatThrownBy(() -> drills.start("wire", "bank-b", "BEFORE_COMMIT"))
                .hasMessage("flow must be one of transfer, like, order, was 'wire'. Nothing was armed.");
        assertThatThrownBy(() -> drills.start("transfer", "bank-c", "BEFORE_COMMIT")).hasMessageContaining("participant must be one of");
        assertThatThrownBy(() -> drills.start("transfer", "bank-b", null)).hasMessageContaining("point must be one of")
                .hasMessageContaining("was missing");
        assertThat(injector.armed()).isEmpty();
        assertThat(drills.current()).isEmpty();

        CountDownLatch release = new CountDownLatch(1);
        service.close();
        DrillService blocked = service((flow, id) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, true);
        Drill first = blocked.start("transfer", "bank-b", "BEFORE_COMMIT");
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("bank-b:BEFORE_COMMIT:HALT:spans=bank-a+bank-b+broker");
        assertThatThrownBy(() -> blocked.start("like", "broker", "AFTER_PREPARE")).isInstanceOfSatisfying(
                DrillService.RefusedException.class, e -> assertThat(e.refusal()).isEqualTo(DrillService.Refusal.IN_PROGRESS))
                .hasMessageContaining("Drill " + first.id() + " is still running");
        assertThat(injector.armed()).hasSize(1);
        release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> blocked.current().orElseThrow().stage() == Drill.Stage.NOT_REACHED);
    }

    @Test
    void aFlowThatEndsWithoutReachingItsPointDisarmsItsRuleAndLeavesOthersArmed() {
        injector.enable();
        injector.arm("bank-a:BEFORE_PREPARE:DELAY(1ms)");
        DrillService drills = service((flow, id) -> {
        }, true);

        drills.start("like", "broker", "AFTER_COMMIT");

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> drills.current().orElseThrow().stage() == Drill.Stage.NOT_REACHED);
        assertThat(drills.current().orElseThrow().message()).contains("committed without reaching AFTER_COMMIT of broker");
        assertThat(injector.armed()).extracting(Fault::toString).containsExactly("bank-a:BEFORE_PREPARE:DELAY(1ms)");
    }

    @Test
    void aRefusedFlowSaysWhyInItsOwnWordsAndDisarms() {
        injector.enable();
        DrillService drills = service((flow, id) -> {
            throw new RejectedException(new Rejection(org.springframework.http.HttpStatus.CONFLICT, "out-of-stock", "Out of stock"),
                    "SKU-MUG has 0 left");
        }, true);

        drills.start("order", "bank-a", "AFTER_PREPARE");

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> drills.current().orElseThrow().stage() == Drill.Stage.FAILED);
        assertThat(drills.current().orElseThrow().message())
                .isEqualTo("The order was refused before it reached AFTER_PREPARE: SKU-MUG has 0 left. The rule was disarmed; nothing crashed.");
        assertThat(injector.armed()).isEmpty();
    }

    @Test
    void theRestartedApplicationFindsTheHaltedDrillAndWatchesRecoveryToConsistency() throws Exception {
        // Before this JVM started, as a drill that halted the previous process is; one asked of this JVM is not a restart.
        Instant crash = Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()).minusSeconds(3);
        Drill halted = new Drill("d1", "transfer", "bank-b", "BEFORE_COMMIT", "bank-b:BEFORE_COMMIT:HALT:spans=bank-a+bank-b+broker",
                Drill.Stage.RUNNING, crash.minusMillis(400), null, null, null, null, null, null, null, Map.of(), null, "running")
                .halted(crash, "tm.9", "tm.9/tm.3 (format 1096044365)");
        new DrillStore(dir, json).save(halted);
        // What the restarted process's recovery did, as its timeline saw it.
        Xid xid = new PlainXid(0x41544F4D, "tm.9".getBytes(StandardCharsets.ISO_8859_1), "tm.3".getBytes(StandardCharsets.ISO_8859_1));
        XAResource bankB = timeline.link("bank-b", new InDoubt(xid), null);
        bankB.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        bankB.commit(xid, false);
        AtomicBoolean consistent = new AtomicBoolean(false);
        service = new DrillService(injector, timeline, new DrillStore(dir, json), (f, id) -> {
        }, () -> new ConsistencyReport(consistent.get(), Instant.now(), List.of()), () -> null, Clock.systemUTC(), Duration.ofMillis(20));

        assertThat(service.current()).get().extracting(Drill::stage).isEqualTo(Drill.Stage.HALTED);
        service.applicationReady();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> service.current().orElseThrow().recoveryCompleteAt() != null);
        assertThat(service.current().orElseThrow().stage()).isEqualTo(Drill.Stage.RECOVERING);
        consistent.set(true);

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> service.current().orElseThrow().stage() == Drill.Stage.RECOVERED);
        Drill done = new DrillStore(dir, json).load().orElseThrow();
        assertThat(done.stage()).isEqualTo(Drill.Stage.RECOVERED);
        assertThat(done.restartedAt()).isNotNull();
        assertThat(done.readyAt()).isAfterOrEqualTo(done.restartedAt());
        assertThat(done.consistentAt()).isAfter(crash);
        assertThat(done.recovery()).containsExactly(Map.entry("bank-b", "recover in doubt → commit ok"));
        assertThat(done.outcome()).isEqualTo("committed");
        assertThat(done.message()).startsWith("Consistent again").contains("s after the crash. Recovery committed what the crash left in"
                + " doubt on bank-b.");
        assertThat(timeline.find("tm.9").orElseThrow().action()).isEqualTo("recovery of the transfer (drill)");
    }

    @Test
    void aDrillAskedOfThisProcessBeforeItWasReadyIsNotTakenForARestart() {
        injector.enable();
        CountDownLatch release = new CountDownLatch(1);
        DrillService drills = service((flow, id) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, true);
        drills.start("transfer", "bank-b", "BEFORE_COMMIT");

        drills.applicationReady();

        assertThat(drills.current().orElseThrow().stage()).isEqualTo(Drill.Stage.RUNNING);
        assertThat(drills.current().orElseThrow().restartedAt()).isNull();
        release.countDown();
    }

    @Test
    void aDrillFileThatCannotBeReadIsReportedNotIgnored() throws Exception {
        Files.createDirectories(dir.resolve("drill"));
        Files.writeString(dir.resolve("drill").resolve("last-drill.json"), "{not json");

        DrillService drills = service((flow, id) -> {
        }, true);

        assertThat(drills.current()).isEmpty();
        assertThat(drills.loadError()).isEqualTo("the record of the last drill (drill/last-drill.json in the data directory) could"
                + " not be read; the next drill replaces it");
    }

    /** A participant whose recovery scan lists one prepared branch until it is committed. */
    private static final class InDoubt implements XAResource {
        private Xid prepared;

        InDoubt(Xid prepared) {
            this.prepared = prepared;
        }

        @Override
        public Xid[] recover(int flag) {
            return prepared == null ? new Xid[0] : new Xid[] {prepared};
        }

        @Override
        public void commit(Xid xid, boolean onePhase) {
            prepared = null;
        }

        @Override
        public void rollback(Xid xid) {
            prepared = null;
        }

        @Override
        public void end(Xid xid, int flags) {
        }

        @Override
        public void forget(Xid xid) {
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int prepare(Xid xid) {
            return XA_OK;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }

        @Override
        public void start(Xid xid, int flags) {
        }
    }
}
