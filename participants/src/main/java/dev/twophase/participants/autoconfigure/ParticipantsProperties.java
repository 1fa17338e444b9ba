package dev.twophase.participants.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The XA participants of the application, under {@code twophase.participants}. Each entry becomes
 * pooled Atomikos beans named after it (see {@link TwophaseParticipantsAutoConfiguration}); the
 * name is also the participant's unique resource name in the recovery log, so never rename a
 * participant that may hold prepared branches.
 *
 * @param jdbc XA databases by participant name: PostgreSQL, MySQL/MariaDB or H2, picked by the URL;
 *        each becomes a DataSource bean named after the participant and a JdbcTemplate bean with "JdbcTemplate" appended to the name (ordersJdbcTemplate)
 * @param jms ActiveMQ Artemis brokers by participant name; each becomes a ConnectionFactory bean named
 *        after the participant and a transacted JmsTemplate bean with "JmsTemplate" appended (eventsJmsTemplate)
 */
@ConfigurationProperties(ParticipantsProperties.PREFIX)
public record ParticipantsProperties(Map<String, Jdbc> jdbc, Map<String, Jms> jms) {

    /** Where the participants are configured. */
    public static final String PREFIX = "twophase.participants";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    public ParticipantsProperties {
        jdbc = jdbc == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(jdbc));
        jms = jms == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(jms));
    }

    /**
     * One XA database.
     *
     * @param url JDBC URL; its prefix picks the technology: {@code jdbc:postgresql:}, {@code jdbc:mysql:} (MySQL and MariaDB) or {@code jdbc:h2:}
     * @param username database user
     * @param password database password
     * @param minPoolSize connections the pool keeps open
     * @param maxPoolSize most connections, i.e. most transactions using this participant at once
     * @param borrowTimeout how long a transaction waits for a free connection before it fails
     * @param flyway schema migration of this database before its XA pool starts
     * @param validationWindow a pooled connection that ran a statement successfully within this time is handed out
     *        without a validation round trip; 0 validates on every borrow
     */
    public record Jdbc(String url, String username, String password,
            @DefaultValue("2") int minPoolSize,
            @DefaultValue("20") int maxPoolSize,
            @DefaultValue("30s") Duration borrowTimeout,
            @DefaultValue Flyway flyway,
            @DefaultValue("1s") Duration validationWindow) {

        @Override
        public String toString() {
            return "Jdbc[url=" + url + ", username=" + username + ", pool=" + minPoolSize + ".." + maxPoolSize + "]";
        }
    }

    /**
     * Flyway migration of one database, over a plain (non-XA) connection, before its XA pool starts.
     *
     * @param enabled whether to migrate; default: true when locations are set
     * @param locations Flyway locations; {@code {vendor}} is replaced by {@code postgresql} or {@code mysql}
     *        (H2 uses {@code postgresql}), e.g. {@code classpath:db/{vendor}}
     * @param placeholders Flyway placeholders, e.g. {@code bank: A} for {@code ${bank}} in the scripts
     */
    public record Flyway(Boolean enabled, @DefaultValue List<String> locations, @DefaultValue Map<String, String> placeholders) {

        public Flyway {
            locations = locations == null ? List.of() : List.copyOf(locations);
            placeholders = placeholders == null ? Map.of() : Map.copyOf(placeholders);
        }

        /** Whether this database is migrated: {@code enabled}, or when unset, whether locations are given. */
        public boolean active() {
            return enabled != null ? enabled : !locations.isEmpty();
        }
    }

    /**
     * One ActiveMQ Artemis broker.
     *
     * @param url Artemis core client URL, e.g. {@code tcp://127.0.0.1:61616}; with an embedded broker it defaults to
     *        {@code vm://<n>}, n counting the embedded brokers from 0
     * @param user broker user
     * @param password broker password
     * @param maxPoolSize most broker connections held at once
     * @param embedded an Artemis broker run inside this JVM, for tests and demos
     * @param pool which pool enlists the broker in transactions: {@code pooled-jms} (the default: messaginghub
     *        pooled-jms, XA sessions and producers reused across transactions, the broker registered with Atomikos for
     *        recovery) or {@code atomikos} (Atomikos's JMS pool: a new XA session and producer per transaction)
     */
    public record Jms(String url, String user, String password,
            @DefaultValue("20") int maxPoolSize,
            @DefaultValue Embedded embedded,
            @DefaultValue("pooled-jms") String pool) {

        /** The pool choices of {@code pool}. */
        public static final java.util.List<String> POOLS = java.util.List.of("atomikos", "pooled-jms");

        /** Whether pooled-jms enlists the broker's sessions. */
        public boolean pooledJms() {
            return "pooled-jms".equals(pool);
        }

        @Override
        public String toString() {
            return "Jms[url=" + url + ", user=" + user + ", maxPoolSize=" + maxPoolSize + ", embedded=" + embedded + ", pool=" + pool + "]";
        }
    }

    /**
     * An Artemis broker in this JVM, with a persistent journal; not for production.
     *
     * @param enabled whether to start the broker in this JVM
     * @param dataDir the broker's journal directory; default {@code ./data/broker/<name>}
     */
    public record Embedded(@DefaultValue("false") boolean enabled, Path dataDir) {
    }

    /**
     * Checks names, URLs and pool sizes.
     *
     * @throws InvalidConfigurationPropertyValueException naming the full key, the value and the fix
     */
    public ParticipantsProperties validate() {
        Set<String> names = new HashSet<>();
        jdbc.forEach((name, p) -> {
            if (p != null && p.validationWindow() != null && p.validationWindow().isNegative()) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + ".jdbc." + name + ".validation-window", p.validationWindow(),
                        "it must be 0 (validate every borrowed connection) or positive, e.g. 1s");
            }
            String prefix = PREFIX + ".jdbc." + name;
            checkName(prefix, name, names);
            if (p == null || p.url() == null || p.url().isBlank()) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".url", null,
                        "every database participant needs a JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/" + name);
            }
            if (p.minPoolSize() < 0) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".min-pool-size", p.minPoolSize(),
                        "it must be 0 or more");
            }
            if (p.maxPoolSize() < 1 || p.maxPoolSize() < p.minPoolSize()) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".max-pool-size", p.maxPoolSize(),
                        "it must be at least 1 and at least " + prefix + ".min-pool-size (" + p.minPoolSize() + ")");
            }
            if (p.borrowTimeout() == null || p.borrowTimeout().toSeconds() < 1) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".borrow-timeout", p.borrowTimeout(),
                        "it must be at least one second, e.g. 30s");
            }
            if (Boolean.TRUE.equals(p.flyway().enabled()) && p.flyway().locations().isEmpty()) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".flyway.locations", null,
                        "Flyway is enabled for this participant but has no locations; set them, e.g. classpath:db/{vendor}");
            }
        });
        jms.forEach((name, p) -> {
            String prefix = PREFIX + ".jms." + name;
            checkName(prefix, name, names);
            boolean embedded = p != null && p.embedded().enabled();
            if (!embedded && (p == null || p.url() == null || p.url().isBlank())) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".url", null,
                        "every broker participant needs an Artemis URL, e.g. tcp://127.0.0.1:61616,"
                                + " or " + prefix + ".embedded.enabled=true for a broker in this JVM");
            }
            if (p.maxPoolSize() < 1) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".max-pool-size", p.maxPoolSize(),
                        "it must be at least 1");
            }
            if (!Jms.POOLS.contains(p.pool())) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".pool", p.pool(),
                        "it must be atomikos (Atomikos's JMS pool, a new XA session per transaction) or pooled-jms"
                                + " (XA sessions reused across transactions)");
            }
        });
        return this;
    }

    private static void checkName(String prefix, String name, Set<String> seen) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidConfigurationPropertyValueException(prefix, name,
                    "a participant name is its unique resource name in the recovery log: 1 to 40 lower-case letters,"
                            + " digits and hyphens, starting with a letter, e.g. orders-db");
        }
        if (!seen.add(name)) {
            throw new InvalidConfigurationPropertyValueException(prefix, name,
                    "the name '" + name + "' is used by a database participant too; names must be unique across"
                            + " twophase.participants.jdbc and twophase.participants.jms, since each is a unique resource name");
        }
    }
}
