package dev.twophase.participants.autoconfigure;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults that follow from the declared participants, added with the lowest precedence so that
 * anything the application sets wins:
 * <ul>
 * <li>{@code twophase.coordinator.recovery-participants}: every declared participant, so startup
 *     recovery completes only once each of them has been scanned;</li>
 * <li>{@code spring.flyway.enabled=false} while database participants are declared: Boot's Flyway
 *     would migrate through an XA pool, which refuses work outside a JTA transaction, or fail to
 *     choose between several; migrate with {@code twophase.participants.jdbc.<name>.flyway} instead.</li>
 * </ul>
 */
public class ParticipantsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    /** Name of the property source holding the defaults. */
    public static final String PROPERTY_SOURCE = "twophaseParticipantsDefaults";

    static final String RECOVERY_PARTICIPANTS = "twophase.coordinator.recovery-participants";
    static final String SPRING_FLYWAY_ENABLED = "spring.flyway.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Set<String> jdbc = names(environment, ParticipantsProperties.PREFIX + ".jdbc");
        Set<String> all = new LinkedHashSet<>(jdbc);
        all.addAll(names(environment, ParticipantsProperties.PREFIX + ".jms"));
        if (all.isEmpty()) {
            return;
        }
        Binder binder = Binder.get(environment);
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (!binder.bind(RECOVERY_PARTICIPANTS, Bindable.listOf(String.class)).isBound()) {
            defaults.put(RECOVERY_PARTICIPANTS, String.join(",", all));
        }
        if (!jdbc.isEmpty() && !environment.containsProperty(SPRING_FLYWAY_ENABLED)) {
            defaults.put(SPRING_FLYWAY_ENABLED, "false");
        }
        if (!defaults.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, defaults));
        }
    }

    /** The map keys under {@code prefix}, i.e. the participant names, in the order the sources list them. */
    private static Set<String> names(ConfigurableEnvironment environment, String prefix) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        Set<String> names = new LinkedHashSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(root::isAncestorOf).forEach(name ->
                        names.add(name.getElement(root.getNumberOfElements(), Form.ORIGINAL)));
            }
        }
        return names;
    }
}
