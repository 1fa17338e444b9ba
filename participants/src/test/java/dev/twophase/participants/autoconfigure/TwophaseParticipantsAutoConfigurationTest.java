package dev.twophase.participants.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.atomikos.jdbc.AtomikosDataSourceBean;
import com.atomikos.jms.AtomikosConnectionFactoryBean;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.artemis.ArtemisBroker;
import jakarta.jms.ConnectionFactory;

/**
 * The participants' auto-configuration on H2 file databases and an embedded broker, with the coordinator's
 * auto-configurations as the application gets them (read from the imports files, so that it does not matter which
 * package they live in) and Boot's DataSource, JDBC, Flyway, Artemis and JMS auto-configurations, which must back off.
 * Atomikos is one per JVM: every context here is closed by {@code run} before the next one starts.
 */
class TwophaseParticipantsAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        List<Class<?>> configurations = new ArrayList<>();
        for (String name : ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())) {
            if (name.startsWith("dev.twophase.")) {
                configurations.add(load(name));
            }
        }
        configurations.addAll(List.of(DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class, FlywayAutoConfiguration.class, ArtemisAutoConfiguration.class,
                JmsAutoConfiguration.class));
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(configurations.toArray(Class<?>[]::new)))
                // What SpringApplication does through META-INF/spring.factories.
                .withInitializer(context -> new ParticipantsEnvironmentPostProcessor().postProcessEnvironment(context.getEnvironment(), null))
                .withPropertyValues(
                        "twophase.coordinator.tm-name=pt-" + ProcessHandle.current().pid(),
                        "twophase.coordinator.log-dir=" + dir.resolve("tx-log"),
                        "twophase.coordinator.recovery-deadline=60s");
    }

    private ApplicationContextRunner twoDatabasesAndABroker() {
        return runner().withPropertyValues(
                "twophase.participants.jdbc.orders.url=" + h2("orders"),
                "twophase.participants.jdbc.orders.username=sa",
                "twophase.participants.jdbc.orders.max-pool-size=3",
                "twophase.participants.jdbc.orders.flyway.locations=classpath:db/{vendor}",
                "twophase.participants.jdbc.orders.flyway.placeholders.participant=orders",
                "twophase.participants.jdbc.billing.url=" + h2("billing"),
                "twophase.participants.jdbc.billing.username=sa",
                "twophase.participants.jdbc.billing.flyway.locations=classpath:db/{vendor}",
                "twophase.participants.jdbc.billing.flyway.placeholders.participant=billing",
                "twophase.participants.jms.events.embedded.enabled=true",
                "twophase.participants.jms.events.embedded.data-dir=" + dir.resolve("broker"));
    }

    @Test
    void registersOneNamedPoolAndTemplatePerParticipantAndBootsOwnBackOff() {
        twoDatabasesAndABroker().run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBeansOfType(DataSource.class)).containsOnlyKeys("orders", "billing");
            assertThat(ctx.getBeansOfType(JdbcTemplate.class)).containsOnlyKeys("ordersJdbcTemplate", "billingJdbcTemplate");
            assertThat(ctx.getBeansOfType(ConnectionFactory.class)).containsOnlyKeys("events");
            assertThat(ctx.getBeansOfType(JmsTemplate.class)).containsOnlyKeys("eventsJmsTemplate");
            assertThat(ctx.getBeansOfType(ArtemisBroker.class)).containsOnlyKeys("eventsBroker");
            assertThat(ctx.getBeanNamesForType(org.flywaydb.core.Flyway.class)).isEmpty();

            AtomikosDataSourceBean orders = ctx.getBean("orders", AtomikosDataSourceBean.class);
            assertThat(orders.getUniqueResourceName()).isEqualTo("orders");
            assertThat(orders.getMaxPoolSize()).isEqualTo(3);
            assertThat(ctx.getBean("ordersJdbcTemplate", JdbcTemplate.class).getDataSource()).isSameAs(orders);
            // The broker's default pool is pooled-jms: its XA sessions must not be committed locally.
            var events = ctx.getBean("events", dev.twophase.participants.artemis.PooledXaConnectionFactory.class);
            assertThat(events).hasToString("PooledXaConnectionFactory[events]");
            assertThat(ctx.getBean("eventsJmsTemplate", JmsTemplate.class).getConnectionFactory()).isSameAs(events);
            assertThat(ctx.getBean("eventsJmsTemplate", JmsTemplate.class).isSessionTransacted()).isFalse();
            assertThat(ctx.getEnvironment().getProperty("twophase.coordinator.recovery-participants"))
                    .isEqualTo("orders,billing,events");
        });
    }

    @Test
    void everyBeanOfAParticipantAnswersToItsNameAsQualifier() {
        twoDatabasesAndABroker().withUserConfiguration(QualifiedConsumer.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Injected injected = ctx.getBean(Injected.class);
            assertThat(injected.billing()).isSameAs(ctx.getBean("billing"));
            assertThat(injected.ordersTemplate()).isSameAs(ctx.getBean("ordersJdbcTemplate"));
            assertThat(injected.events()).isSameAs(ctx.getBean("events"));
            assertThat(injected.eventsTemplate()).isSameAs(ctx.getBean("eventsJmsTemplate"));
        });
    }

    @Test
    void aBeanOfTheApplicationWithAParticipantsNameWins() {
        twoDatabasesAndABroker().withUserConfiguration(OwnOrdersDataSource.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean("orders")).isInstanceOf(DriverManagerDataSource.class);
            assertThat(ctx.getBean("ordersJdbcTemplate", JdbcTemplate.class).getDataSource()).isSameAs(ctx.getBean("orders"));
            assertThat(ctx.getBean("billing")).isInstanceOf(AtomikosDataSourceBean.class);
        });
    }

    @Test
    void aBeanOfTheApplicationWithAParticipantsNameButAnotherTypeIsRefused() {
        twoDatabasesAndABroker().withUserConfiguration(OrdersService.class).run(ctx -> {
            TwophaseStartupException e = startupFailure(ctx);
            assertThat(e.subject()).isEqualTo("participant 'orders' (twophase.participants.jdbc.orders)");
            assertThat(e.getMessage()).contains("bean named 'orders' of type java.lang.StringBuilder, which is not a DataSource");
        });
    }

    @Test
    void twoEmbeddedBrokersGetTheirOwnInVmServers() {
        runner().withPropertyValues(
                "twophase.participants.jms.events.embedded.enabled=true",
                "twophase.participants.jms.events.embedded.data-dir=" + dir.resolve("events"),
                "twophase.participants.jms.audit.embedded.enabled=true",
                "twophase.participants.jms.audit.embedded.data-dir=" + dir.resolve("audit")).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean("eventsBroker", ArtemisBroker.class).inVmUrl()).isEqualTo("vm://0");
            assertThat(ctx.getBean("auditBroker", ArtemisBroker.class).inVmUrl()).isEqualTo("vm://1");
            assertThat(ctx.getBeansOfType(JmsTemplate.class)).containsOnlyKeys("eventsJmsTemplate", "auditJmsTemplate");
            TransactionTemplate tx = new TransactionTemplate(ctx.getBean(PlatformTransactionManager.class));
            JmsTemplate events = ctx.getBean("eventsJmsTemplate", JmsTemplate.class);
            JmsTemplate audit = ctx.getBean("auditJmsTemplate", JmsTemplate.class);
            events.setReceiveTimeout(2_000);
            audit.setReceiveTimeout(2_000);
            tx.executeWithoutResult(st -> {
                events.convertAndSend("q", "to events");
                audit.convertAndSend("q", "to audit");
            });
            Object fromEvents = tx.execute(st -> events.receiveAndConvert("q"));
            Object fromAudit = tx.execute(st -> audit.receiveAndConvert("q"));
            assertThat(fromEvents).isEqualTo("to events");
            assertThat(fromAudit).isEqualTo("to audit");
        });
    }

    @Test
    void flywayMigratesTheVendorsFolderWithThePlaceholdersBeforeThePoolStarts() {
        twoDatabasesAndABroker().run(ctx -> {
            assertThat(ctx).hasNotFailed();
            TransactionTemplate tx = new TransactionTemplate(ctx.getBean(PlatformTransactionManager.class));
            String orders = tx.execute(s -> ctx.getBean("ordersJdbcTemplate", JdbcTemplate.class)
                    .queryForObject("SELECT text FROM marker", String.class));
            String billing = tx.execute(s -> ctx.getBean("billingJdbcTemplate", JdbcTemplate.class)
                    .queryForObject("SELECT text FROM marker", String.class));
            assertThat(orders).isEqualTo("postgresql folder, participant orders");
            assertThat(billing).isEqualTo("postgresql folder, participant billing");
        });
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"atomikos", "pooled-jms"})
    void twoDatabasesAndTheBrokerCommitTogetherAndRollBackTogether(String pool) {
        twoDatabasesAndABroker().withPropertyValues("twophase.participants.jms.events.pool=" + pool).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean("events")).isInstanceOf(pool.equals("pooled-jms")
                    ? dev.twophase.participants.artemis.PooledXaConnectionFactory.class : AtomikosConnectionFactoryBean.class);
            // Either way the broker is registered with Atomikos for recovery under the participant's name.
            assertThat(com.atomikos.icatch.config.Configuration.getResource("events")).isNotNull();
            TransactionTemplate tx = new TransactionTemplate(ctx.getBean(PlatformTransactionManager.class));
            JdbcTemplate orders = ctx.getBean("ordersJdbcTemplate", JdbcTemplate.class);
            JdbcTemplate billing = ctx.getBean("billingJdbcTemplate", JdbcTemplate.class);
            JmsTemplate events = ctx.getBean("eventsJmsTemplate", JmsTemplate.class);
            events.setReceiveTimeout(2_000);

            tx.executeWithoutResult(s -> {
                orders.update("INSERT INTO entry VALUES (1, 'order 1')");
                billing.update("INSERT INTO entry VALUES (1, 'charge for order 1')");
                events.convertAndSend("test.placed", "order 1");
            });
            try {
                tx.executeWithoutResult(s -> {
                    orders.update("INSERT INTO entry VALUES (2, 'order 2')");
                    billing.update("INSERT INTO entry VALUES (2, 'charge for order 2')");
                    events.convertAndSend("test.placed", "order 2");
                    throw new IllegalStateException("the business rule fails after all three writes");
                });
            } catch (IllegalStateException expected) {
                // rolled back
            }

            List<Integer> orderIds = tx.execute(s -> orders.queryForList("SELECT id FROM entry", Integer.class));
            List<Integer> chargeIds = tx.execute(s -> billing.queryForList("SELECT id FROM entry", Integer.class));
            Object first = tx.execute(s -> events.receiveAndConvert("test.placed"));
            Object second = tx.execute(s -> events.receiveAndConvert("test.placed"));
            assertThat(orderIds).containsExactly(1);
            assertThat(chargeIds).containsExactly(1);
            assertThat(first).isEqualTo("order 1");
            assertThat(second).as("the rolled-back message").isNull();
        });
    }

    @Test
    void refusesANameThatCannotBeAUniqueResourceName() {
        runner().withPropertyValues("twophase.participants.jdbc.9lives.url=" + h2("x")).run(ctx ->
                assertThat(invalidProperty(ctx).getName()).isEqualTo("twophase.participants.jdbc.9lives"));
    }

    @Test
    void refusesTheSameNameForADatabaseAndABroker() {
        runner().withPropertyValues("twophase.participants.jdbc.orders.url=" + h2("orders"),
                "twophase.participants.jms.orders.url=tcp://127.0.0.1:1").run(ctx ->
                assertThat(invalidProperty(ctx).getName()).isEqualTo("twophase.participants.jms.orders"));
    }

    @Test
    void refusesADatabaseWithoutUrl() {
        runner().withPropertyValues("twophase.participants.jdbc.orders.username=sa").run(ctx ->
                assertThat(invalidProperty(ctx).getName()).isEqualTo("twophase.participants.jdbc.orders.url"));
    }

    @Test
    void refusesAnUnknownBrokerPool() {
        runner().withPropertyValues("twophase.participants.jms.events.url=tcp://127.0.0.1:1",
                "twophase.participants.jms.events.pool=hikari").run(ctx -> {
                    InvalidConfigurationPropertyValueException e = invalidProperty(ctx);
                    assertThat(e.getName()).isEqualTo("twophase.participants.jms.events.pool");
                    assertThat(e.getReason()).contains("atomikos").contains("pooled-jms");
                });
    }

    @Test
    void refusesABrokerWithoutUrlUnlessEmbedded() {
        runner().withPropertyValues("twophase.participants.jms.events.user=u").run(ctx ->
                assertThat(invalidProperty(ctx).getName()).isEqualTo("twophase.participants.jms.events.url"));
    }

    @Test
    void refusesAPoolSmallerThanItsMinimum() {
        runner().withPropertyValues("twophase.participants.jdbc.orders.url=" + h2("orders"),
                "twophase.participants.jdbc.orders.min-pool-size=5", "twophase.participants.jdbc.orders.max-pool-size=2").run(ctx ->
                assertThat(invalidProperty(ctx).getName()).isEqualTo("twophase.participants.jdbc.orders.max-pool-size"));
    }

    @Test
    void anUnsupportedUrlIsReportedWithTheUsersKey() {
        runner().withPropertyValues("twophase.participants.jdbc.orders.url=jdbc:oracle:thin:@h:1521/x").run(ctx ->
                assertThat(startupFailure(ctx).action()).contains("Set twophase.participants.jdbc.orders.url to"));
    }

    @Test
    void anUnreachableServerIsReportedWithTheUsersKey() {
        runner().withPropertyValues("twophase.participants.jdbc.orders.url=jdbc:postgresql://127.0.0.1:1/orders",
                "twophase.participants.jdbc.orders.username=orders").run(ctx -> {
            TwophaseStartupException e = startupFailure(ctx);
            assertThat(e.subject()).isEqualTo("participant 'orders' (PostgreSQL at 127.0.0.1:1)");
            assertThat(e.action()).contains("point twophase.participants.jdbc.orders.url at the running server");
        });
    }

    private String h2(String name) {
        return "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
    }

    private static InvalidConfigurationPropertyValueException invalidProperty(AssertableApplicationContext ctx) {
        assertThat(ctx).hasFailed();
        Throwable root = NestedExceptionUtils.getMostSpecificCause(ctx.getStartupFailure());
        assertThat(root).isInstanceOf(InvalidConfigurationPropertyValueException.class);
        return (InvalidConfigurationPropertyValueException) root;
    }

    private static TwophaseStartupException startupFailure(AssertableApplicationContext ctx) {
        assertThat(ctx).hasFailed();
        for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
            if (t instanceof TwophaseStartupException e) {
                return e;
            }
        }
        throw new AssertionError("no TwophaseStartupException in the startup failure");
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    record Injected(DataSource billing, JdbcTemplate ordersTemplate, ConnectionFactory events, JmsTemplate eventsTemplate) {
    }

    @Configuration(proxyBeanMethods = false)
    static class QualifiedConsumer {
        @Bean
        Injected injected(@Qualifier("billing") DataSource billing, @Qualifier("orders") JdbcTemplate ordersTemplate,
                @Qualifier("events") ConnectionFactory events, @Qualifier("events") JmsTemplate eventsTemplate) {
            return new Injected(billing, ordersTemplate, events, eventsTemplate);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OrdersService {
        @Bean
        StringBuilder orders() {
            return new StringBuilder("not a data source");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnOrdersDataSource {
        @Bean
        DataSource orders() {
            return new DriverManagerDataSource("jdbc:h2:mem:own-orders", "sa", "");
        }
    }
}
