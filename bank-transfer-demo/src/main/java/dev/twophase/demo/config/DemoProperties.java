package dev.twophase.demo.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.twophase.participants.JdbcParticipantSettings;

/**
 * Where the demo's participants are, under {@code twophase}.
 *
 * @param dataDir directory of everything the embedded default keeps (H2 files, broker journal, recovery log)
 * @param bankA bank A's database (PostgreSQL in the real profile)
 * @param bankB bank B's database (MySQL in the real profile)
 * @param broker the message broker
 */
@ConfigurationProperties("twophase")
public record DemoProperties(Path dataDir, Database bankA, Database bankB, Broker broker) {

    /**
     * One database participant.
     *
     * @param url JDBC URL; its prefix picks the technology
     * @param username database user
     * @param password database password
     * @param minPoolSize connections kept open
     * @param maxPoolSize most connections (and so most concurrent transactions on this bank)
     * @param borrowTimeout how long a request waits for a free connection
     */
    public record Database(String url, String username, String password,
            @DefaultValue("2") int minPoolSize, @DefaultValue("20") int maxPoolSize,
            @DefaultValue("30s") Duration borrowTimeout) {

        public JdbcParticipantSettings settings(String name) {
            return new JdbcParticipantSettings(name, url, username, password, minPoolSize, maxPoolSize, borrowTimeout, "twophase." + name);
        }
    }

    /**
     * The broker participant.
     *
     * @param embedded start an Artemis broker inside the application (journal under data-dir/broker)
     * @param url broker URL, e.g. tcp://127.0.0.1:61616 (vm://0 for the embedded broker)
     * @param user broker user
     * @param password broker password
     * @param maxPoolSize most pooled JMS connections
     */
    public record Broker(@DefaultValue("true") boolean embedded, @DefaultValue("vm://0") String url,
            String user, String password, @DefaultValue("20") int maxPoolSize) {
    }
}
