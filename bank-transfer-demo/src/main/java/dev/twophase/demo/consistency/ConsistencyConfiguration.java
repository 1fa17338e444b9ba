package dev.twophase.demo.consistency;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

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

    @Bean
    ConsistencyChecker consistencyChecker(ParticipantsProperties participants) {
        JdbcParticipantSettings bankA = plain(participants, "bank-a");
        JdbcParticipantSettings bankB = plain(participants, "bank-b");
        ParticipantsProperties.Jms broker = participants.jms().get("broker");
        if (broker == null || broker.url() == null) {
            throw new InvalidConfigurationPropertyValueException("twophase.participants.jms.broker.url", null,
                    "the consistency checker inspects the demo's broker participant 'broker'; set its url, e.g. vm://0 with embedded.enabled=true");
        }
        return new ConsistencyChecker(new ConsistencyChecker.Participants(
                JdbcParticipants.plainDataSource(bankA), JdbcParticipants.technologyFor(bankA),
                JdbcParticipants.plainDataSource(bankB), JdbcParticipants.technologyFor(bankB),
                broker.url(), broker.user(), broker.password()));
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
