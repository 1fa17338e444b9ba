package dev.twophase.coordinator.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import javax.transaction.xa.XAResource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.jta.UserTransactionManager;

import io.micrometer.core.instrument.binder.MeterBinder;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.log.LogDirectoryGuard;
import dev.twophase.coordinator.metrics.RecoveryMetrics;
import dev.twophase.coordinator.recovery.CoordinatorIncarnation;
import dev.twophase.coordinator.recovery.HeuristicGuard;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.recovery.PromptRecovery;
import dev.twophase.coordinator.recovery.RecoveryHealthIndicator;
import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.coordinator.xa.XaResourceChain;

/** Atomikos is one per JVM: every context here is closed by {@code run} before the next test starts. */
class TwophaseCoordinatorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class));

    @TempDir
    Path logDir;

    @Test
    void refusesToStartWithoutATmName() {
        runner.withPropertyValues("twophase.coordinator.log-dir=" + logDir).run(ctx -> {
            assertThat(ctx).hasFailed();
            Throwable root = NestedExceptionUtils.getMostSpecificCause(ctx.getStartupFailure());
            assertThat(root).isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                    e -> assertThat(e.getName()).isEqualTo("twophase.coordinator.tm-name"));
        });
        assertThat(Configuration.getTransactionService()).isNull();
    }

    @Test
    void runsAnEmptyTransactionThroughSpringsJtaTransactionManagerBackedByAtomikos() {
        good("ctx-test-1", logDir).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            JtaTransactionManager tm = ctx.getBean(JtaTransactionManager.class);
            assertThat(tm.getTransactionManager()).isInstanceOf(UserTransactionManager.class);
            assertThat(tm.getUserTransaction()).isInstanceOf(UserTransactionManager.class);

            TransactionTemplate template = new TransactionTemplate(tm);
            String status = template.execute(tx -> {
                assertThat(tx.isNewTransaction()).isTrue();
                return jtaStatus(tm);
            });
            assertThat(status).isEqualTo("active");
            assertThat(jtaStatus(tm)).isEqualTo("none");
            assertThat(logDir.resolve(AtomikosSettings.LOG_BASE_NAME + ".lck")).exists();

            // Atomikos holds the same lock that the guard probes.
            assertThatExceptionOfType(TwophaseStartupException.class)
                    .isThrownBy(() -> LogDirectoryGuard.check(logDir, AtomikosSettings.LOG_BASE_NAME))
                    .withMessageContaining("locked by another coordinator in this JVM");
        });
        assertThatCode(() -> LogDirectoryGuard.check(logDir, AtomikosSettings.LOG_BASE_NAME)).doesNotThrowAnyException();
    }

    @Test
    void refusesASecondCoordinatorInTheSameJvmAndStartsOneAfterTheFirstClosed(@TempDir Path otherLogDir) {
        good("ctx-first", logDir).run(first -> {
            assertThat(first).hasNotFailed();
            good("ctx-second", otherLogDir).run(second -> {
                assertThat(second).hasFailed();
                assertThat(second.getStartupFailure()).rootCause()
                        .isInstanceOf(TwophaseStartupException.class)
                        .hasMessageContaining("coordinator 'ctx-second'")
                        .hasMessageContaining("already running in this JVM");
                FailureAnalysis analysis = new TwophaseStartupFailureAnalyzer().analyze(second.getStartupFailure());
                assertThat(analysis.getAction()).contains("Run one twophase coordinator per JVM");
            });
            // The failed second start left the first one working.
            TransactionTemplate template = new TransactionTemplate(first.getBean(JtaTransactionManager.class));
            assertThat(template.execute(TransactionStatus::isNewTransaction)).isTrue();
        });
        assertThat(Configuration.getTransactionService()).as("Atomikos stopped with the context").isNull();

        good("ctx-third", otherLogDir).run(third -> {
            assertThat(third).hasNotFailed();
            TransactionTemplate template = new TransactionTemplate(third.getBean(JtaTransactionManager.class));
            assertThat(template.execute(TransactionStatus::isNewTransaction)).isTrue();
        });
    }

    @Test
    void startsPromptRecoveryWithItsHealthIndicatorAndMetersAfterAtomikos() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        good("ctx-recovery", logDir).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(PromptRecovery.class).hasSingleBean(RecoveryMetrics.class)
                    .hasBean("recoveryHealthIndicator");
            assertThat(ctx.getBean(PromptRecovery.class).isRunning()).isTrue();
            XAResource decorated = ctx.getBean(XaResourceChain.class).decorate("bank-x", org.mockito.Mockito.mock(XAResource.class));
            assertThat(decorated.getClass().getEnclosingClass()).as("the chain starts with the heuristic guard")
                    .isEqualTo(HeuristicGuard.class);
            CoordinatorIncarnation incarnation = ctx.getBean(CoordinatorIncarnation.class);
            assertThat(incarnation.tmName().value()).isEqualTo("ctx-recovery");
            assertThat(incarnation.startedAt()).isBetween(before, Instant.now());
        });
    }

    @Test
    void leavesOutTheHealthIndicatorWithoutActuatorAndTheMetersWithoutMicrometer() {
        good("ctx-plain", logDir).withClassLoader(new FilteredClassLoader(HealthIndicator.class, MeterBinder.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(PromptRecovery.class)
                        .doesNotHaveBean(RecoveryHealthIndicator.class).doesNotHaveBean(RecoveryMetrics.class));
    }

    @ParameterizedTest
    @CsvSource({ "twophase.coordinator.recovery-interval=0s, twophase.coordinator.recovery-interval",
            "twophase.coordinator.recovery-interval=5m, twophase.coordinator.recovery-interval",
            "twophase.coordinator.recovery-deadline=1s, twophase.coordinator.recovery-deadline",
            "'twophase.coordinator.recovery-participants=bankA,,broker', twophase.coordinator.recovery-participants",
            "twophase.coordinator.timeline.size=0, twophase.coordinator.timeline.size" })
    void refusesToStartWithABadRecoverySettingNamingTheProperty(String setting, String property) {
        good("ctx-bad", logDir).withPropertyValues("twophase.coordinator.recovery-interval=2s", setting).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(NestedExceptionUtils.getMostSpecificCause(ctx.getStartupFailure()))
                    .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, e -> {
                        assertThat(e.getName()).isEqualTo(property);
                        assertThat(e.getMessage()).startsWith("Property " + property + " with value");
                    });
        });
        assertThat(Configuration.getTransactionService()).isNull();
    }

    @Test
    void refusesALastResourceThatIsNoDeclaredJdbcParticipant() {
        good("ctx-llr", logDir).withPropertyValues("twophase.coordinator.last-resource=bank-z",
                "twophase.participants.jdbc.bank-a.url=jdbc:postgresql://127.0.0.1:5432/a",
                "twophase.participants.jdbc.bank-b.url=jdbc:mysql://127.0.0.1:3306/b").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(NestedExceptionUtils.getMostSpecificCause(ctx.getStartupFailure()))
                            .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, e -> {
                                assertThat(e.getName()).isEqualTo("twophase.coordinator.last-resource");
                                assertThat(e.getValue()).isEqualTo("bank-z");
                                assertThat(e.getReason()).contains("twophase.participants.jdbc.bank-z.url is not set")
                                        .contains("bank-a, bank-b");
                            });
                });
        assertThat(Configuration.getTransactionService()).isNull();
    }

    @Test
    void refusesALastResourceProbeDeadlineOutsideItsRange() {
        for (String value : List.of("0s", "2h", "soon")) {
            good("ctx-llr-deadline", logDir).withPropertyValues("twophase.coordinator.last-resource=bank-a",
                    "twophase.coordinator.last-resource-probe-deadline=" + value,
                    "twophase.participants.jdbc.bank-a.url=jdbc:postgresql://127.0.0.1:5432/a").run(ctx -> {
                        assertThat(ctx).hasFailed();
                        assertThat(NestedExceptionUtils.getMostSpecificCause(ctx.getStartupFailure()))
                                .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, e -> {
                                    assertThat(e.getName()).isEqualTo("twophase.coordinator.last-resource-probe-deadline");
                                    assertThat(e.getValue()).isEqualTo(value);
                                    assertThat(e.getReason()).containsAnyOf("from 1s to 10m", "not a duration");
                                });
                    });
        }
        assertThat(Configuration.getTransactionService()).isNull();
    }

    @Test
    void theProtocolTimelineIsOffUnlessEnabled() {
        good("ctx-timeline", logDir).run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(XaTimeline.class));
        good("ctx-timeline", logDir).withPropertyValues("twophase.coordinator.timeline.enabled=true")
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(XaTimeline.class));
    }

    @Test
    void staysOffWhenDisabled() {
        runner.withPropertyValues("twophase.coordinator.enabled=false").run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean(JtaTransactionManager.class)
                    .doesNotHaveBean(UserTransactionManager.class);
        });
    }

    private ApplicationContextRunner good(String tmName, Path dir) {
        return runner.withPropertyValues("twophase.coordinator.tm-name=" + tmName, "twophase.coordinator.log-dir=" + dir,
                "twophase.coordinator.recovery-delay=1m");
    }

    private static String jtaStatus(JtaTransactionManager tm) {
        try {
            return tm.getTransactionManager().getTransaction() == null ? "none" : "active";
        } catch (jakarta.transaction.SystemException e) {
            throw new IllegalStateException(e);
        }
    }
}
