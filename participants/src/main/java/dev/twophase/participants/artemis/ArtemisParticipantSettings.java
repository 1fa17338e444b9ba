package dev.twophase.participants.artemis;

import java.util.Objects;

/**
 * Where one Artemis broker participant is and how its Atomikos pool is sized.
 *
 * @param name unique resource name, recorded in the recovery log (e.g. {@code events}); never rename a participant that may have in-doubt branches
 * @param url Artemis core client URL, e.g. {@code tcp://127.0.0.1:61616}, or {@code vm://0} for a broker in this JVM
 * @param user broker user, {@code null} for none
 * @param password broker password, {@code null} for none
 * @param maxPoolSize most connections held at once (at least 1)
 * @param propertyPrefix where the user configured this participant, e.g. {@code twophase.participants.jms.events}:
 *        startup errors tell the user to set {@code <propertyPrefix>.url} and so on
 */
public record ArtemisParticipantSettings(String name, String url, String user, String password, int maxPoolSize,
        String propertyPrefix) {

    /** The prefix of every JMS participant's properties; the participant's name follows. */
    public static final String PROPERTIES = "twophase.participants.jms";

    public ArtemisParticipantSettings {
        Objects.requireNonNull(name, "name");
        if (propertyPrefix == null || propertyPrefix.isBlank()) {
            propertyPrefix = PROPERTIES + "." + name;
        }
    }

    /** Settings configured under {@code twophase.participants.jms.<name>}. */
    public static ArtemisParticipantSettings of(String name, String url, String user, String password, int maxPoolSize) {
        return new ArtemisParticipantSettings(name, url, user, password, maxPoolSize, null);
    }

    /** The full name of one of this participant's properties, e.g. {@code twophase.participants.jms.events.url} for {@code url}. */
    public String property(String key) {
        return propertyPrefix + "." + key;
    }

    @Override
    public String toString() {
        // Never print the password.
        return "ArtemisParticipantSettings[name=" + name + ", url=" + url + ", user=" + user + ", maxPoolSize=" + maxPoolSize
                + ", properties=" + propertyPrefix + "]";
    }
}
