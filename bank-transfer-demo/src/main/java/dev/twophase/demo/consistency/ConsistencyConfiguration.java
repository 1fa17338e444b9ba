package dev.twophase.demo.consistency;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.config.DemoProperties;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcParticipants;

/** The consistency checker on the demo's participants, and {@code GET /api/consistency}. */
@Configuration(proxyBeanMethods = false)
class ConsistencyConfiguration {

    @Bean
    ConsistencyChecker consistencyChecker(DemoProperties properties) {
        JdbcParticipantSettings bankA = properties.bankA().settings("bank-a");
        JdbcParticipantSettings bankB = properties.bankB().settings("bank-b");
        DemoProperties.Broker broker = properties.broker();
        return new ConsistencyChecker(new ConsistencyChecker.Participants(
                JdbcParticipants.plainDataSource(bankA), JdbcParticipants.technologyFor(bankA),
                JdbcParticipants.plainDataSource(bankB), JdbcParticipants.technologyFor(bankB),
                broker.url(), broker.user(), broker.password()));
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
