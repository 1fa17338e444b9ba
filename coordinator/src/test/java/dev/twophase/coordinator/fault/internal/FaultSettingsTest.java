package dev.twophase.coordinator.fault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.mock.env.MockEnvironment;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.fault.Fault;
import dev.twophase.coordinator.fault.FaultProperties;

class FaultSettingsTest {

    private final MockEnvironment environment = new MockEnvironment();

    @Test
    void disabledWithoutRulesArmsNothing() {
        assertThat(FaultSettings.rules(new FaultProperties(false, null), environment)).isEmpty();
    }

    @Test
    void readsTheRulesInOrder() {
        assertThat(FaultSettings.rules(properties("bankA:BEFORE_COMMIT:HALT", "broker:DURING_RECOVER:DELAY(1s)"), environment))
                .containsExactly(Fault.parse("bankA:BEFORE_COMMIT:HALT"), Fault.parse("broker:DURING_RECOVER:DELAY(1s)"));
    }

    @Test
    void namesAnEmptyListEntry() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> FaultSettings.rules(properties("bankA:BEFORE_COMMIT:HALT", " "), environment))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.faults.arm[1]");
                    assertThat(e.getReason()).contains("the fault rule is empty");
                });
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> FaultSettings.rules(properties((String) null), environment))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.faults.arm[0]"));
    }

    @Test
    void refusesEnabledInProductionEvenWithoutRules() {
        environment.setActiveProfiles("production");

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> FaultSettings.rules(new FaultProperties(true, List.of()), environment))
                .withMessageContaining("profile 'production' is active");
    }

    @Test
    void aProfileMerelyContainingProdIsNotProduction() {
        environment.setActiveProfiles("preprod", "prod-like", "products");

        assertThat(FaultSettings.rules(properties("bankA:BEFORE_COMMIT:HALT"), environment)).hasSize(1);
    }

    private static FaultProperties properties(String... rules) {
        return new FaultProperties(true, Arrays.asList(rules));
    }
}
