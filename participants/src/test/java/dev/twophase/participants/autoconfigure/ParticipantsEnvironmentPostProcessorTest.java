package dev.twophase.participants.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class ParticipantsEnvironmentPostProcessorTest {

    private final ParticipantsEnvironmentPostProcessor processor = new ParticipantsEnvironmentPostProcessor();

    @Test
    void recoveryWaitsForEveryDeclaredParticipantAndBootsFlywayStaysOff() {
        StandardEnvironment environment = environment(Map.of(
                "twophase.participants.jdbc.orders.url", "jdbc:postgresql://h/orders",
                "twophase.participants.jdbc.orders.flyway.locations", "classpath:db/{vendor}",
                "twophase.participants.jdbc.billing.url", "jdbc:mysql://h/billing",
                "twophase.participants.jms.events.url", "tcp://h:61616"));

        processor.postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("twophase.coordinator.recovery-participants").split(","))
                .containsExactlyInAnyOrder("orders", "billing", "events");
        assertThat(environment.getProperty("spring.flyway.enabled")).isEqualTo("false");
    }

    @Test
    void whatTheApplicationSetsWins() {
        StandardEnvironment environment = environment(Map.of(
                "twophase.participants.jdbc.orders.url", "jdbc:postgresql://h/orders",
                "twophase.participants.jms.events.url", "tcp://h:61616",
                "twophase.coordinator.recovery-participants[0]", "orders",
                "spring.flyway.enabled", "true"));

        processor.postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("twophase.coordinator.recovery-participants")).isNull();
        assertThat(environment.getProperty("twophase.coordinator.recovery-participants[0]")).isEqualTo("orders");
        assertThat(environment.getProperty("spring.flyway.enabled")).isEqualTo("true");
        assertThat(environment.getPropertySources().contains(ParticipantsEnvironmentPostProcessor.PROPERTY_SOURCE)).isFalse();
    }

    @Test
    void changesNothingWithoutParticipants() {
        StandardEnvironment environment = environment(Map.of("twophase.coordinator.tm-name", "orders-1"));

        processor.postProcessEnvironment(environment, null);

        assertThat(environment.getPropertySources().contains(ParticipantsEnvironmentPostProcessor.PROPERTY_SOURCE)).isFalse();
        assertThat(environment.getProperty("spring.flyway.enabled")).isNull();
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }
}
