package dev.twophase.coordinator.autoconfigure;

import java.nio.file.Path;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.twophase.coordinator.console.AuditLog;
import dev.twophase.coordinator.console.ConsoleProperties;
import dev.twophase.coordinator.console.ConsoleRegistrar;
import dev.twophase.coordinator.console.RecoveryConsole;
import dev.twophase.coordinator.console.RemoteConsoleServer;
import dev.twophase.coordinator.metrics.TransactionOutcomes;
import dev.twophase.coordinator.metrics.XaPhaseMetrics;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.recovery.ParticipantsHealthContributor;
import dev.twophase.coordinator.recovery.PromptRecovery;
import dev.twophase.coordinator.recovery.RecoveryLogHealthIndicator;

/**
 * The recovery console (MXBeans, audit, optional remote JMX), transaction and XA phase metrics,
 * and the {@code participants} and {@code recoveryLog} health contributors. Imported by
 * {@link TwophaseCoordinatorAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
class TwophaseConsoleConfiguration {

    /** Audit file name in the log directory when {@code twophase.console.audit-file} is not set. */
    static final String AUDIT_FILE = "twophase-audit.jsonl";

    @Bean
    @ConditionalOnMissingBean
    TransactionOutcomes twophaseTransactionOutcomes() {
        return new TransactionOutcomes();
    }

    @Bean
    @ConditionalOnMissingBean
    AuditLog twophaseAuditLog(ConsoleProperties console, AtomikosSettings settings) {
        Path file = console.auditFile() != null ? console.auditFile() : settings.logDir().resolve(AUDIT_FILE);
        return new AuditLog(file, settings.tmName().value());
    }

    @Bean
    @ConditionalOnMissingBean
    RecoveryConsole twophaseRecoveryConsole(PromptRecovery recovery, HeuristicRegistry heuristics,
            TransactionOutcomes outcomes, AuditLog audit, AtomikosSettings settings, ConsoleProperties console,
            ObjectProvider<dev.twophase.coordinator.recovery.Takeover> takeover) {
        RecoveryConsole recoveryConsole = new RecoveryConsole(recovery, heuristics, outcomes, audit, new RecoveryConsole.Settings(
                settings.tmName().value(), settings.logDir(), settings.forgetOrphanedLogEntriesDelay(), console.lockWait()));
        takeover.ifAvailable(recoveryConsole::showTakeovers);
        return recoveryConsole;
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "twophase.console", name = "enabled", matchIfMissing = true)
    ConsoleRegistrar twophaseConsoleRegistrar(RecoveryConsole console, PromptRecovery recovery) {
        return new ConsoleRegistrar(console, recovery);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "twophase.console.remote", name = "enabled")
    RemoteConsoleServer twophaseRemoteConsoleServer(ConsoleProperties console) {
        return new RemoteConsoleServer(console.remote());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {

        @Bean(name = "participantsHealthContributor")
        @ConditionalOnMissingBean(name = "participantsHealthContributor")
        HealthContributor participantsHealthContributor(PromptRecovery recovery) {
            return new ParticipantsHealthContributor(recovery);
        }

        @Bean
        @ConditionalOnMissingBean
        RecoveryLogHealthIndicator recoveryLogHealthIndicator(PromptRecovery recovery, AtomikosSettings settings,
                ConsoleProperties console) {
            if (console.purgeWarningMargin().compareTo(settings.forgetOrphanedLogEntriesDelay()) >= 0) {
                throw new org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException(
                        "twophase.console.purge-warning-margin", console.purgeWarningMargin(),
                        "it must be shorter than twophase.coordinator.forget-orphaned-log-entries-delay ("
                                + settings.forgetOrphanedLogEntriesDelay() + "), or every commit decision would be warned about");
            }
            return new RecoveryLogHealthIndicator(settings.logDir(), AtomikosSettings.LOG_BASE_NAME, recovery,
                    settings.forgetOrphanedLogEntriesDelay(), console.purgeWarningMargin());
        }
    }
}
