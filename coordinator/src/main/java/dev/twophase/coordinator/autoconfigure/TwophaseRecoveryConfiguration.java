package dev.twophase.coordinator.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

import io.micrometer.core.instrument.binder.MeterBinder;

import dev.twophase.coordinator.metrics.RecoveryMetrics;
import dev.twophase.coordinator.recovery.CommitAttempts;
import dev.twophase.coordinator.recovery.CoordinatorIncarnation;
import dev.twophase.coordinator.recovery.HeuristicGuard;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.recovery.PromptRecovery;
import dev.twophase.coordinator.recovery.RecoveryHealthIndicator;

/**
 * Prompt recovery, its health indicator {@code recovery} (with Spring Boot Actuator) and its meters
 * (with Micrometer). Imported by {@link TwophaseCoordinatorAutoConfiguration}, so it is on whenever
 * the coordinator is.
 */
@Configuration(proxyBeanMethods = false)
class TwophaseRecoveryConfiguration {

    /** A {@code TransactionServicePlugin}: the transaction service bean hands it to Atomikos before init. */
    @Bean
    @ConditionalOnMissingBean
    CoordinatorIncarnation twophaseCoordinatorIncarnation(AtomikosSettings settings) {
        return new CoordinatorIncarnation(settings.tmName());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn(AtomikosResourceOrdering.TRANSACTION_SERVICE_BEAN)
    PromptRecovery twophasePromptRecovery(CoordinatorIncarnation incarnation, AtomikosSettings settings,
            HeuristicRegistry heuristics, ObjectProvider<HeuristicGuard> guard) {
        // The guard knows which prepared branches still await their transaction's first commit.
        HeuristicGuard known = guard.getIfAvailable();
        return new PromptRecovery(incarnation, new PromptRecovery.Settings(settings.recoveryInterval(),
                settings.recoveryDeadline(), settings.defaultTimeout(), settings.phaseTwoGrace(), settings.recoveryParticipants()),
                heuristics, known != null ? known : CommitAttempts.UNKNOWN);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {

        @Bean
        @ConditionalOnMissingBean
        RecoveryHealthIndicator recoveryHealthIndicator(PromptRecovery recovery) {
            return new RecoveryHealthIndicator(recovery);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        RecoveryMetrics twophaseRecoveryMetrics(PromptRecovery recovery, HeuristicRegistry heuristics) {
            return new RecoveryMetrics(recovery, heuristics);
        }

        @Bean
        @ConditionalOnMissingBean
        dev.twophase.coordinator.metrics.LogMetrics twophaseLogMetrics() {
            return new dev.twophase.coordinator.metrics.LogMetrics();
        }
    }
}
