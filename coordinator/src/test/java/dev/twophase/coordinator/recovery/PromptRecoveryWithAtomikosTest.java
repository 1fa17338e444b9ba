package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.atomikos.icatch.jta.UserTransactionManager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration;
import dev.twophase.coordinator.metrics.RecoveryMetrics;
import dev.twophase.coordinator.recovery.FakeResourceManager.State;
import dev.twophase.coordinator.xa.PlainXid;

import ch.qos.logback.classic.Level;

/**
 * Prompt recovery over a real Atomikos started by our auto-configuration, with fake participants
 * registered the way pools register. Atomikos is one per JVM: each context is closed before the next.
 */
class PromptRecoveryWithAtomikosTest {

    private static final String TM = "recovery-it";

    @TempDir
    Path logDir;

    private final LogCapture logs = new LogCapture(PromptRecovery.class);

    @AfterEach
    void closeLogs() {
        logs.close();
    }

    @Test
    void completesTheBranchesOfACrashedRunOnParticipantsThatRegisterAfterStartup() throws Exception {
        EarlierRun crashed = new EarlierRun(TM, Instant.now().minusSeconds(70));
        String decidedCommit = crashed.newTransaction();
        String undecided = crashed.newTransaction();
        String undecidedOnBroker = crashed.newTransaction();
        crashed.committing(decidedCommit).writeLogTo(logDir);

        FakeResourceManager bankA = new FakeResourceManager("bankA");
        FakeResourceManager bankB = new FakeResourceManager("bankB");
        FakeResourceManager broker = new FakeResourceManager("broker");
        PlainXid commitOnA = Xids.of(decidedCommit, TM + ".1");
        PlainXid commitOnB = Xids.of(decidedCommit, TM + ".2");
        PlainXid abortOnA = Xids.of(undecided, TM + ".3");
        PlainXid abortOnBroker = Xids.of(undecidedOnBroker, TM + ".4");
        PlainXid ofAnotherCoordinator = Xids.of(TM + "-2." + Instant.now().minusSeconds(70).toEpochMilli() + "00001",
                TM + "-2.1");
        bankA.prepared(commitOnA).prepared(abortOnA).prepared(ofAnotherCoordinator);
        bankB.prepared(commitOnB);
        broker.prepared(abortOnBroker);

        atomikos("twophase.coordinator.recovery-participants=bankA,bankB,broker").run(ctx -> {
            PromptRecovery recovery = ctx.getBean(PromptRecovery.class);
            RecoveryHealthIndicator health = ctx.getBean(RecoveryHealthIndicator.class);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ctx.getBean(RecoveryMetrics.class).bindTo(meters);
            assertThat(recovery.isRunning()).isTrue();
            assertThat(com.atomikos.icatch.config.Configuration.getRecoveryLog().get(decidedCommit)).isNotNull();

            // Passes have started with no participant registered; the pools start one by one.
            com.atomikos.icatch.config.Configuration.addResource(new FakeAtomikosResource("bankA", bankA::xaResource));
            await().atMost(Duration.ofSeconds(10)).until(() -> bankA.state(abortOnA) == State.ROLLED_BACK);
            assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(recovery.status().participants().get("broker").registered()).isFalse();

            com.atomikos.icatch.config.Configuration.addResource(new FakeAtomikosResource("bankB", bankB::xaResource));
            com.atomikos.icatch.config.Configuration.addResource(new FakeAtomikosResource("broker", broker::xaResource));
            await().atMost(Duration.ofSeconds(10)).until(() -> recovery.status().state() == RecoveryStatus.State.COMPLETE);

            Health up = health.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("committed", 2L).containsEntry("rolledBack", 2L)
                    .containsEntry("heuristic", 0L).containsEntry("pending", 0).containsKey("completedAt");
            // Removed right after the pass that completed recovery (the state turns COMPLETE first).
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    com.atomikos.icatch.config.Configuration.getRecoveryLog().get(decidedCommit))
                    .as("the completed commit decision was removed from the log").isNull());
            assertThat(meters.get("twophase.recovery.branches").tag("outcome", "committed").functionCounter().count())
                    .isEqualTo(2);
            assertThat(meters.get("twophase.recovery.branches").tag("outcome", "rolled_back").functionCounter().count())
                    .isEqualTo(2);
            assertThat(meters.get("twophase.recovery.pending").gauge().value()).isZero();
        });

        assertThat(bankA.state(commitOnA)).isEqualTo(State.COMMITTED);
        assertThat(bankB.state(commitOnB)).isEqualTo(State.COMMITTED);
        assertThat(bankA.state(abortOnA)).isEqualTo(State.ROLLED_BACK);
        assertThat(broker.state(abortOnBroker)).isEqualTo(State.ROLLED_BACK);
        assertThat(bankA.state(ofAnotherCoordinator)).isEqualTo(State.PREPARED);
        assertThat(logs.lines(Level.INFO)).filteredOn(l -> l.startsWith("Recovery complete")).singleElement().asString()
                .matches("Recovery complete in \\d+ ms: 2 committed, 2 rolled back, 0 heuristic"
                        + " \\(participants: bankA, bankB, broker\\)");
    }

    @Test
    void leavesABranchOfThisRunAloneWhileItsTransactionIsActiveAndRollsItBackOnceItEnded() {
        FakeResourceManager bankA = new FakeResourceManager("bankA");

        atomikos("twophase.coordinator.default-timeout=1s").run(ctx -> {
            com.atomikos.icatch.config.Configuration.addResource(new FakeAtomikosResource("bankA", bankA::xaResource));
            UserTransactionManager tm = ctx.getBean(UserTransactionManager.class);
            tm.setTransactionTimeout(60);
            tm.begin();
            String gtrid = com.atomikos.icatch.config.Configuration.getCompositeTransactionManager()
                    .getCompositeTransaction().getTid();
            PlainXid branch = Xids.of(gtrid, TM + ".77");
            bankA.prepared(branch);

            // Well past the default timeout and many passes: the transaction is live, so the branch is its business.
            Thread.sleep(2_000);
            assertThat(bankA.state(branch)).isEqualTo(State.PREPARED);

            tm.rollback();
            await().atMost(Duration.ofSeconds(10)).until(() -> bankA.state(branch) == State.ROLLED_BACK);
        });
    }

    @Test
    void isDownWhenOverdueNamingTheParticipantThatNeverRegistered() {
        atomikos("twophase.coordinator.recovery-participants=broker", "twophase.coordinator.recovery-deadline=500ms")
                .run(ctx -> {
                    RecoveryHealthIndicator health = ctx.getBean(RecoveryHealthIndicator.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.DOWN));
                    assertThat(health.health().getDetails()).containsEntry("state", "OVERDUE");
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> participants = (Map<String, Map<String, Object>>) health.health()
                            .getDetails().get("participants");
                    assertThat(participants.get("broker")).containsEntry("registered", false)
                            .containsEntry("lastError", "not registered with Atomikos (its pool has not started)");
                    await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines(Level.WARN).stream()
                            .anyMatch(l -> l.startsWith("Recovery overdue") && l.contains("broker: not registered")));
                });
    }

    @Test
    void agreesWithAtomikosOwnRecoveryRunningAtTheSameTime() throws Exception {
        EarlierRun crashed = new EarlierRun(TM, Instant.now().minusSeconds(70));
        FakeResourceManager bankA = new FakeResourceManager("bankA");
        FakeResourceManager bankB = new FakeResourceManager("bankB");
        List<PlainXid> toCommit = new ArrayList<>();
        List<PlainXid> toRollBack = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String gtrid = crashed.newTransaction();
            boolean commit = i % 2 == 0;
            if (commit) {
                crashed.committing(gtrid);
            }
            for (FakeResourceManager rm : List.of(bankA, bankB)) {
                PlainXid xid = Xids.of(gtrid, TM + "." + (rm == bankA ? 2 * i + 1 : 2 * i + 2));
                rm.prepared(xid);
                (commit ? toCommit : toRollBack).add(xid);
            }
        }
        crashed.writeLogTo(logDir);
        bankA.slowDown(10);
        bankB.slowDown(10);

        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class))
                .withUserConfiguration(Pools.class)
                .withBean("bankA", FakeResourceManager.class, () -> bankA)
                .withBean("bankB", FakeResourceManager.class, () -> bankB)
                .withPropertyValues("twophase.coordinator.tm-name=" + TM, "twophase.coordinator.log-dir=" + logDir,
                        "twophase.coordinator.default-timeout=1s", "twophase.coordinator.max-timeout=2s",
                        // Atomikos's own passes every 100 ms, presuming abort after max-timeout (2 s).
                        "twophase.coordinator.recovery-delay=100ms", "twophase.coordinator.recovery-interval=100ms")
                .run(ctx -> await().atMost(Duration.ofSeconds(30)).until(
                        () -> bankA.preparedXids().isEmpty() && bankB.preparedXids().isEmpty()));

        // Each branch went straight to the outcome its log record dictates, whoever got there first;
        // the loser got XAER_NOTA (seen in practice: both sides complete some of the branches).
        for (PlainXid xid : toCommit) {
            assertThat(List.of(bankA.history(xid), bankB.history(xid))).as(xid.toString())
                    .contains(List.of(State.PREPARED, State.COMMITTED));
        }
        for (PlainXid xid : toRollBack) {
            assertThat(List.of(bankA.history(xid), bankB.history(xid))).as(xid.toString())
                    .contains(List.of(State.PREPARED, State.ROLLED_BACK));
        }
    }

    /** Registers the fake participants while the context starts, as pools declared with initMethod="init" do. */
    @Configuration(proxyBeanMethods = false)
    static class Pools {

        @Bean
        FakeAtomikosResource bankAResource(FakeResourceManager bankA) {
            return register(bankA);
        }

        @Bean
        FakeAtomikosResource bankBResource(FakeResourceManager bankB) {
            return register(bankB);
        }

        private static FakeAtomikosResource register(FakeResourceManager rm) {
            FakeAtomikosResource resource = new FakeAtomikosResource(rm.name(), rm::xaResource);
            com.atomikos.icatch.config.Configuration.addResource(resource);
            return resource;
        }
    }

    private ApplicationContextRunner atomikos(String... properties) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class))
                .withPropertyValues("twophase.coordinator.tm-name=" + TM, "twophase.coordinator.log-dir=" + logDir,
                        "twophase.coordinator.recovery-delay=1m", "twophase.coordinator.recovery-interval=200ms")
                .withPropertyValues(properties);
    }
}
