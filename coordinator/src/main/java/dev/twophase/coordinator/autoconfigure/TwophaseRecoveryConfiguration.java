package dev.twophase.coordinator.autoconfigure;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

import io.micrometer.core.instrument.binder.MeterBinder;

import dev.twophase.coordinator.console.AuditLog;
import dev.twophase.coordinator.log.PostgresLogTakeover;
import dev.twophase.coordinator.metrics.TakeoverMetrics;

import dev.twophase.coordinator.metrics.RecoveryMetrics;
import dev.twophase.coordinator.recovery.CommitAttempts;
import dev.twophase.coordinator.recovery.CoordinatorIncarnation;
import dev.twophase.coordinator.recovery.HeuristicGuard;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.recovery.PromptRecovery;
import dev.twophase.coordinator.recovery.RecoveryHealthIndicator;
import dev.twophase.coordinator.recovery.Takeover;
import dev.twophase.coordinator.recovery.TakeoverHealthIndicator;

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

    /**
     * Takeover of other instances' TM names (twophase.coordinator.takeover.enabled=true, validated with the
     * log store by AtomikosSettings). Started after prompt recovery, whose lock it shares.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "twophase.coordinator.takeover", name = "enabled", havingValue = "true")
    Takeover twophaseTakeover(AtomikosSettings settings, PromptRecovery recovery, HeuristicRegistry heuristics,
            ObjectProvider<AuditLog> audit) {
        String node = settings.tmName().value() + "@" + java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        PostgresLogTakeover logs = new PostgresLogTakeover(settings.logDatabase(), settings.tmName().atomikosName(), node);
        AuditLog auditLog = audit.getIfAvailable();
        Takeover.Audit audited = auditLog == null ? Takeover.Audit.NONE : new Takeover.Audit() {
            @Override
            public String started(String tmName, long epoch, String previousOwner, Instant leaseExpiredAt) throws IOException {
                return auditLog.requested(TAKEOVER_ACTOR, "takeover", tmName, false, "lease expired at " + leaseExpiredAt
                        + " (owner " + previousOwner + "); taken with epoch " + epoch + " by " + node);
            }

            @Override
            public void finished(String id, Takeover.Report report) throws IOException {
                auditLog.outcome(id, TAKEOVER_ACTOR, "takeover", report.tmName(), null, report.settled() ? "SETTLED" : "RELEASED",
                        report.heuristic() > 0, report.summary());
            }
        };
        // Waits less than a lease for a running recovery pass: the claim is renewed after each scan, and a
        // returning owner waits for the takeover.
        Duration lockWait = settings.logDatabase().lease().dividedBy(2);
        Takeover.Participants participants = work -> recovery.exclusively(lockWait, () -> {
            work.accept(recovery.atomikos().participants());
            return null;
        });
        return new Takeover(logs, participants, recovery.atomikos(), heuristics, audited,
                new Takeover.Settings(settings.takeoverInterval(), settings.recoveryParticipants()), Clock.systemUTC());
    }

    /** Who the audit names for takeovers: the coordinator itself, not an operator. */
    static final String TAKEOVER_ACTOR = "takeover";

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnProperty(prefix = "twophase.coordinator.takeover", name = "enabled", havingValue = "true")
        TakeoverHealthIndicator takeoverHealthIndicator(Takeover takeover) {
            return new TakeoverHealthIndicator(takeover);
        }

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
        @ConditionalOnProperty(prefix = "twophase.coordinator.takeover", name = "enabled", havingValue = "true")
        TakeoverMetrics twophaseTakeoverMetrics(Takeover takeover) {
            return new TakeoverMetrics(takeover);
        }

        @Bean
        @ConditionalOnMissingBean
        dev.twophase.coordinator.metrics.LogMetrics twophaseLogMetrics() {
            return new dev.twophase.coordinator.metrics.LogMetrics();
        }
    }
}
