package dev.twophase.coordinator.autoconfigure;

import java.util.Map;
import java.util.TreeSet;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

import dev.twophase.coordinator.log.LastResource;

/**
 * The logging last resource's settings: the participant {@code twophase.coordinator.last-resource}
 * names, and its database as that participant declares it under {@code twophase.participants.jdbc.<name>}
 * (the log reads and deletes the commit records there with a plain connection).
 */
final class LastResourceSettings {

    static final String PROPERTY = "twophase.coordinator.last-resource";
    private static final String PARTICIPANTS = "twophase.participants.jdbc";

    private LastResourceSettings() {
    }

    /**
     * Every other declared JDBC participant with a URL: any of them may have run as the last resource
     * before the setting changed, so the log looks for decisions left in its table when it opens.
     */
    static java.util.List<LastResource.Settings> others(AtomikosSettings settings, Environment environment) {
        Binder binder = Binder.get(environment);
        java.util.List<LastResource.Settings> others = new java.util.ArrayList<>();
        for (String name : new TreeSet<>(declared(binder).keySet())) {
            if (name.equals(settings.lastResource())) {
                continue;
            }
            LastResource.Settings participant = participant(binder, name, settings);
            if (participant != null) {
                others.add(participant);
            }
        }
        return others;
    }

    static final String PROBE_DEADLINE = "twophase.coordinator.last-resource-probe-deadline";

    /**
     * How long the probe keeps asking at the decision ({@code twophase.coordinator.last-resource-probe-deadline}).
     *
     * @throws InvalidConfigurationPropertyValueException outside 1 s to 10 min
     */
    static java.time.Duration probeDeadline(Environment environment) {
        String raw = environment.getProperty(PROBE_DEADLINE);
        java.time.Duration deadline;
        try {
            deadline = Binder.get(environment).bind(PROBE_DEADLINE, java.time.Duration.class).orElse(LastResource.PROBE_DEADLINE);
        } catch (RuntimeException e) {
            throw new InvalidConfigurationPropertyValueException(PROBE_DEADLINE, raw,
                    "it is not a duration; write it as 30s, 2m or PT30S");
        }
        if (deadline.compareTo(java.time.Duration.ofSeconds(1)) < 0 || deadline.compareTo(java.time.Duration.ofMinutes(10)) > 0) {
            throw new InvalidConfigurationPropertyValueException(PROBE_DEADLINE, raw,
                    "it must be from 1s to 10m: long enough for a restarting database to answer, short enough for the caller to wait");
        }
        return deadline;
    }

    /** The participant's database as {@code twophase.participants.jdbc.<name>} declares it; null without a URL. */
    private static LastResource.Settings participant(Binder binder, String name, AtomikosSettings settings) {
        String url = binder.bind(PARTICIPANTS + "." + name + ".url", String.class).orElse(null);
        if (url == null || url.isBlank()) {
            return null;
        }
        return new LastResource.Settings(name, url, binder.bind(PARTICIPANTS + "." + name + ".username", String.class).orElse(null),
                binder.bind(PARTICIPANTS + "." + name + ".password", String.class).orElse(""), settings.tmName().atomikosName());
    }

    private static Map<String, Map<String, Object>> declared(Binder binder) {
        return binder.bind(PARTICIPANTS, Bindable.mapOf(String.class, Object.class))
                .map(m -> {
                    Map<String, Map<String, Object>> result = new java.util.LinkedHashMap<>();
                    m.forEach((k, v) -> {
                        if (v instanceof Map<?, ?> inner) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> props = (Map<String, Object>) inner;
                            result.put(k, props);
                        }
                    });
                    return result;
                }).orElse(Map.of());
    }

    /**
     * @return null when no last resource is configured
     * @throws InvalidConfigurationPropertyValueException when it names no declared JDBC participant
     */
    static LastResource.Settings of(AtomikosSettings settings, Environment environment) {
        String name = settings.lastResource();
        if (name == null) {
            return null;
        }
        Binder binder = Binder.get(environment);
        LastResource.Settings participant = participant(binder, name, settings);
        if (participant == null) {
            Map<String, Map<String, Object>> declared = declared(binder);
            throw new InvalidConfigurationPropertyValueException(PROPERTY, name,
                    "it names no JDBC participant with a URL (" + PARTICIPANTS + "." + name + ".url is not set); name one of: "
                            + (declared.isEmpty() ? "(none declared)" : String.join(", ", new TreeSet<>(declared.keySet())))
                            + ", or leave it empty to prepare every participant");
        }
        return participant;
    }
}
