package dev.twophase.coordinator.fault.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.fault.Fault;
import dev.twophase.coordinator.fault.FaultProperties;

/**
 * Checks {@link FaultProperties} at startup and reads the rules to arm. Rules without
 * {@code enabled=true} and fault injection in a production profile are refused rather than
 * ignored: either means the configuration does not do what its author thinks.
 */
final class FaultSettings {

    static final String ENABLED = "twophase.faults.enabled";
    static final String ARM = "twophase.faults.arm";
    private static final Set<String> PRODUCTION_PROFILES = Set.of("prod", "production");

    private FaultSettings() {
    }

    /**
     * @return the rules to arm; empty when fault injection is disabled
     * @throws TwophaseStartupException when rules are given but injection is disabled, or when it is enabled in a production profile
     * @throws InvalidConfigurationPropertyValueException naming the first malformed rule
     */
    static List<Fault> rules(FaultProperties properties, Environment environment) {
        if (!properties.enabled()) {
            if (!properties.arm().isEmpty()) {
                throw new TwophaseStartupException("fault injection",
                        ARM + " lists " + properties.arm().size() + " rule(s) " + properties.arm() + " but " + ENABLED
                                + " is false, so none of them would be armed",
                        "Set " + ENABLED + "=true to arm them (test and demo environments only), or remove " + ARM + ".",
                        null);
            }
            return List.of();
        }
        Optional<String> production = productionProfile(environment);
        if (production.isPresent()) {
            throw new TwophaseStartupException("fault injection",
                    ENABLED + "=true while profile '" + production.get() + "' is active; armed faults halt the JVM"
                            + " and fail XA calls on purpose",
                    "Remove " + ENABLED + " and " + ARM + " from the configuration that profile '" + production.get()
                            + "' uses. Fault injection is for test and demo environments only.",
                    null);
        }
        List<Fault> rules = new ArrayList<>();
        for (int i = 0; i < properties.arm().size(); i++) {
            String rule = properties.arm().get(i);
            try {
                rules.add(Fault.parse(rule));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(ARM + "[" + i + "]", rule, e.getMessage());
            }
        }
        return List.copyOf(rules);
    }

    /** The active profile (or, with none active, the default profile) named prod or production, in any case. */
    private static Optional<String> productionProfile(Environment environment) {
        String[] profiles = environment.getActiveProfiles().length > 0 ? environment.getActiveProfiles()
                : environment.getDefaultProfiles();
        return Arrays.stream(profiles)
                .filter(p -> PRODUCTION_PROFILES.contains(p.trim().toLowerCase(Locale.ROOT)))
                .findFirst();
    }
}
