package dev.twophase.coordinator.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionManagerCustomizers;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.jta.JtaTransactionManager;

import com.atomikos.icatch.TransactionServicePlugin;
import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.config.UserTransactionServiceImp;
import com.atomikos.icatch.jta.UserTransactionManager;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.atomikos.AtomikosInternals;
import dev.twophase.coordinator.atomikos.ParallelPhases;
import dev.twophase.coordinator.log.LogDirectoryGuard;
import dev.twophase.coordinator.metrics.TransactionOutcomes;

/**
 * Wires Atomikos as the JTA transaction manager behind Spring's {@link JtaTransactionManager},
 * so {@code @Transactional} and {@code TransactionTemplate} span every XA participant.
 *
 * <p>We do this ourselves because Atomikos's {@code transactions-spring-boot3-starter} 6.0.0 calls
 * {@code TransactionManagerCustomizers.customize(PlatformTransactionManager)}, removed in Boot 3.4
 * (NoSuchMethodError, seen on Boot 3.5.16), and Boot itself dropped Atomikos in 3.0.
 */
@AutoConfiguration(before = TransactionAutoConfiguration.class,
        beforeName = "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration")
@ConditionalOnClass(UserTransactionManager.class)
@ConditionalOnProperty(prefix = "twophase.coordinator", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(CoordinatorProperties.class)
@Import({TwophaseXaChainConfiguration.class, TwophaseRecoveryConfiguration.class, TwophaseConsoleConfiguration.class})
public class TwophaseCoordinatorAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TwophaseCoordinatorAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    static AtomikosResourceOrdering twophaseAtomikosResourceOrdering() {
        return new AtomikosResourceOrdering();
    }

    /** A {@code TransactionServicePlugin}: after Atomikos has started, new transactions prepare and commit all participants at once. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "twophase.coordinator", name = "parallel-phases", havingValue = "true")
    ParallelPhases twophaseParallelPhases() {
        return new ParallelPhases();
    }

    /**
     * Creates the last resource's table of commit records once every singleton, and so the participants'
     * own migrations, is ready: before that, a table of ours in a new database's empty schema would make
     * the application's Flyway refuse to migrate it.
     */
    @Bean
    @ConditionalOnProperty(prefix = "twophase.coordinator", name = "last-resource")
    org.springframework.beans.factory.SmartInitializingSingleton twophaseLastResourceTable() {
        return () -> {
            dev.twophase.coordinator.log.LastResource lastResource = dev.twophase.coordinator.log.LastResource.current();
            if (lastResource == null) {
                return;
            }
            try {
                lastResource.ensureTable();
            } catch (java.sql.SQLException e) {
                throw new TwophaseStartupException("last resource '" + lastResource.participant() + "'",
                        "its table of commit records (" + dev.twophase.coordinator.log.LastResource.TABLE + ") cannot be created: "
                                + e.getMessage(),
                        "Grant the participant's database user the right to create tables, or create the table as docs/last-resource.md shows.",
                        e);
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    AtomikosSettings twophaseAtomikosSettings(CoordinatorProperties properties) {
        return AtomikosSettings.from(properties);
    }

    @Bean(name = AtomikosResourceOrdering.TRANSACTION_SERVICE_BEAN, initMethod = "init", destroyMethod = "shutdownWait")
    @ConditionalOnMissingBean
    UserTransactionServiceImp atomikosTransactionService(AtomikosSettings settings,
            ObjectProvider<TransactionServicePlugin> plugins, org.springframework.core.env.Environment environment) {
        if (Configuration.getTransactionService() != null) {
            throw new TwophaseStartupException("coordinator '" + settings.tmName() + "'",
                    "an Atomikos transaction manager is already running in this JVM; Atomikos keeps one per JVM"
                            + " (its configuration is static), so a second one would silently share the first one's name and log",
                    "Run one twophase coordinator per JVM. In tests, give each application context its own JVM"
                            + " (failsafe reuseForks=false) or close the previous context first.",
                    null);
        }
        AtomikosInternals.verify();
        LogDirectoryGuard.check(settings.logDir(), AtomikosSettings.LOG_BASE_NAME);
        log.info("Starting coordinator tm-name={} log-dir={}", settings.tmName(), settings.logDir());
        // The PostgreSQL log store's database, for the log factory Atomikos loads (null for the file stores).
        dev.twophase.coordinator.log.LogStores.configure(settings.logDatabase());
        // The last resource's database, for the log to read its commit records before recovery runs.
        dev.twophase.coordinator.log.LastResource.configure(LastResourceSettings.of(settings, environment),
                LastResourceSettings.probeDeadline(environment));
        // The other JDBC participants' tables: a decision left there by a last resource since switched off or changed.
        dev.twophase.coordinator.log.LastResource.configureFormers(LastResourceSettings.others(settings, environment));
        UserTransactionServiceImp service = new UserTransactionServiceImp(settings.atomikosProperties());
        // Registered before init so that they see it happen, e.g. the moment this run starts (prompt recovery).
        service.setInitialTransactionServicePlugins(plugins.orderedStream().toList());
        return service;
    }

    @Bean(initMethod = "init", destroyMethod = "close")
    @ConditionalOnMissingBean
    @DependsOn(AtomikosResourceOrdering.TRANSACTION_SERVICE_BEAN)
    UserTransactionManager atomikosTransactionManager() {
        UserTransactionManager manager = new UserTransactionManager();
        // The service bean owns the lifecycle; the manager must neither start nor stop it.
        manager.setStartupTransactionService(false);
        manager.setForceShutdown(false);
        return manager;
    }

    @Bean
    @ConditionalOnMissingBean
    JtaTransactionManager transactionManager(UserTransactionManager atomikosTransactionManager,
            ObjectProvider<TransactionManagerCustomizers> customizers, TransactionOutcomes outcomes) {
        // No default timeout here: Atomikos applies twophase.coordinator.default-timeout itself.
        JtaTransactionManager manager = new OwnedLogJtaTransactionManager(atomikosTransactionManager);
        customizers.ifAvailable(c -> c.customize(manager));
        // Boot's customizers add TransactionExecutionListener beans; add the counters unless they did.
        if (!manager.getTransactionExecutionListeners().contains(outcomes)) {
            manager.addListener(outcomes);
        }
        return manager;
    }
}
