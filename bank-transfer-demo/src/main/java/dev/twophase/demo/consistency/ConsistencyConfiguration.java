package dev.twophase.demo.consistency;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.twophase.demo.tx.LocalPools;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcParticipants;
import dev.twophase.participants.autoconfigure.ParticipantsProperties;

/**
 * The consistency checker on the demo's participants, and {@code GET /api/consistency}. The
 * checker reads over plain (non-XA) connections to the same servers as the participants, from the
 * same {@code twophase.participants.*} properties.
 */
@Configuration(proxyBeanMethods = false)
class ConsistencyConfiguration {

    /** The checker's connections: two per database at most, none kept after 30 s idle; closed with the context. */
    record CheckerPools(HikariDataSource bankA, HikariDataSource bankB) implements AutoCloseable {
        @Override
        public void close() {
            try {
                bankA.close();
            } finally {
                bankB.close();
            }
        }
    }

    @Bean
    CheckerPools consistencyCheckerPools(ParticipantsProperties participants) {
        JdbcParticipantSettings bankA = plain(participants, "bank-a");
        JdbcParticipantSettings bankB = plain(participants, "bank-b");
        HikariDataSource a = pool(bankA);
        try {
            return new CheckerPools(a, pool(bankB));
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    @Bean
    ConsistencyChecker consistencyChecker(ParticipantsProperties participants, CheckerPools pools) {
        JdbcParticipantSettings bankA = plain(participants, "bank-a");
        JdbcParticipantSettings bankB = plain(participants, "bank-b");
        ParticipantsProperties.Jms broker = participants.jms().get("broker");
        if (broker == null || broker.url() == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.participants.jms.broker.url", null,
                    "the consistency checker inspects the demo's broker participant 'broker'; set its url, e.g. vm://0 with embedded.enabled=true");
        }
        return new ConsistencyChecker(new ConsistencyChecker.Participants(
                pools.bankA(), JdbcParticipants.technologyFor(bankA),
                pools.bankB(), JdbcParticipants.technologyFor(bankB),
                broker.url(), broker.user(), broker.password()));
    }

    private static HikariDataSource pool(JdbcParticipantSettings db) {
        JdbcParticipants.technologyFor(db); // refuses a URL no participant technology takes, naming the property
        // A database that is down fails the check after 2 s; a check then reports it.
        HikariConfig config = LocalPools.config("consistency-" + db.name(), db.url(), db.username(), db.password(), 2,
                java.time.Duration.ofSeconds(2));
        config.setMinimumIdle(0);
        config.setIdleTimeout(30_000);
        return new HikariDataSource(config);
    }

    private static JdbcParticipantSettings plain(ParticipantsProperties participants, String name) {
        ParticipantsProperties.Jdbc db = participants.jdbc().get(name);
        if (db == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.participants.jdbc." + name + ".url", null,
                    "the demo needs the database participant '" + name + "'; set its url, username and password");
        }
        return JdbcParticipantSettings.of(name, db.url(), db.username(), db.password());
    }

    /** {@code GET /api/consistency}: every invariant with PASS or FAIL and its figures (always 200; read {@code consistent}). */
    @RestController
    static class ConsistencyController {

        private final ConsistencyChecker checker;

        ConsistencyController(ConsistencyChecker checker) {
            this.checker = checker;
        }

        @GetMapping("/api/consistency")
        ConsistencyReport consistency() {
            return checker.check();
        }
    }
}
