package dev.twophase.demo.config;

import java.nio.file.Path;

import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;

import com.atomikos.jdbc.AtomikosDataSourceBean;
import com.atomikos.jms.AtomikosConnectionFactoryBean;

import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.bank.BankLedger;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcParticipants;
import dev.twophase.participants.artemis.ArtemisBroker;
import dev.twophase.participants.artemis.ArtemisParticipant;
import dev.twophase.participants.artemis.ArtemisParticipantSettings;

/**
 * The three XA participants of the demo: bank A, bank B and the broker. Each database is migrated
 * by Flyway over a plain connection before its XA pool starts.
 */
@Configuration(proxyBeanMethods = false)
class ParticipantsConfiguration {

    static final String BANK_A = "bank-a";
    static final String BANK_B = "bank-b";
    static final String BROKER = "broker";

    @Bean(initMethod = "init", destroyMethod = "close")
    AtomikosDataSourceBean bankADataSource(DemoProperties properties, XaResourceChain chain) {
        return participant(settings(properties.bankA(), BANK_A), Bank.A, chain);
    }

    @Bean(initMethod = "init", destroyMethod = "close")
    AtomikosDataSourceBean bankBDataSource(DemoProperties properties, XaResourceChain chain) {
        return participant(settings(properties.bankB(), BANK_B), Bank.B, chain);
    }

    @Bean
    BankLedger bankALedger(@Qualifier("bankADataSource") AtomikosDataSourceBean dataSource) {
        return new BankLedger(Bank.A, new JdbcTemplate(dataSource));
    }

    @Bean
    BankLedger bankBLedger(@Qualifier("bankBDataSource") AtomikosDataSourceBean dataSource) {
        return new BankLedger(Bank.B, new JdbcTemplate(dataSource));
    }

    @Bean(destroyMethod = "close")
    EmbeddedBroker embeddedBroker(DemoProperties properties) throws Exception {
        if (!broker(properties).embedded()) {
            return new EmbeddedBroker(null);
        }
        Path dir = dataDir(properties).resolve("broker");
        return new EmbeddedBroker(ArtemisBroker.start(dir, null, -1));
    }

    @Bean(initMethod = "init", destroyMethod = "close")
    AtomikosConnectionFactoryBean brokerConnectionFactory(DemoProperties properties, EmbeddedBroker embeddedBroker,
            XaResourceChain chain) {
        DemoProperties.Broker broker = broker(properties);
        ArtemisParticipantSettings settings = new ArtemisParticipantSettings(BROKER, broker.url(), broker.user(), broker.password(),
                broker.maxPoolSize(), "twophase.broker");
        ArtemisParticipant.preflight(settings);
        return ArtemisParticipant.connectionFactory(settings, chain);
    }

    @Bean
    JmsTemplate jmsTemplate(AtomikosConnectionFactoryBean brokerConnectionFactory) {
        JmsTemplate template = ArtemisParticipant.jmsTemplate(brokerConnectionFactory);
        template.setReceiveTimeout(1000);
        return template;
    }

    @Bean
    EventPublisher eventPublisher(JmsTemplate jmsTemplate, com.fasterxml.jackson.databind.ObjectMapper json) {
        return new EventPublisher(jmsTemplate, json);
    }

    /**
     * Builds the participant's pool (its preflight runs first, so an unreachable or unfit server is
     * reported with its fix rather than as Flyway's "unable to obtain connection"), then migrates
     * its schema over a plain connection; Spring starts the pool afterwards.
     */
    private static AtomikosDataSourceBean participant(JdbcParticipantSettings settings, Bank bank, XaResourceChain chain) {
        AtomikosDataSourceBean dataSource = JdbcParticipants.dataSource(settings, chain);
        Flyway.configure()
                .dataSource(JdbcParticipants.plainDataSource(settings))
                .locations("classpath:db/" + JdbcParticipants.technologyFor(settings).schemaFolder(), "classpath:db/common")
                .placeholders(java.util.Map.of("bank", bank.name()))
                .load()
                .migrate();
        return dataSource;
    }

    private static JdbcParticipantSettings settings(DemoProperties.Database db, String name) {
        if (db == null || db.url() == null || db.url().isBlank()) {
            throw new InvalidConfigurationPropertyValueException("twophase." + name + ".url", null,
                    "every bank needs a JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/twophase_a");
        }
        return db.settings(name);
    }

    private static DemoProperties.Broker broker(DemoProperties properties) {
        if (properties.broker() == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.broker.url", null,
                    "the broker participant is not configured; set twophase.broker.embedded=true or a broker url");
        }
        return properties.broker();
    }

    private static Path dataDir(DemoProperties properties) {
        if (properties.dataDir() == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.data-dir", null,
                    "the embedded broker keeps its journal under the data directory; set twophase.data-dir");
        }
        return properties.dataDir();
    }

    /** The embedded broker when configured, or nothing. */
    static final class EmbeddedBroker implements AutoCloseable {
        private final ArtemisBroker broker;

        EmbeddedBroker(ArtemisBroker broker) {
            this.broker = broker;
        }

        @Override
        public void close() throws Exception {
            if (broker != null) {
                broker.close();
            }
        }
    }

}
