package dev.twophase.participants;

import java.time.Duration;
import java.util.Objects;

/**
 * Where one XA database participant is and how its Atomikos pool is sized.
 *
 * @param name unique resource name, recorded in the recovery log (e.g. {@code bank-a}); never rename a participant that may have in-doubt branches
 * @param url JDBC URL; its prefix selects the technology ({@code jdbc:postgresql:}, {@code jdbc:mysql:}, {@code jdbc:h2:})
 * @param username database user
 * @param password database password, may be empty
 * @param minPoolSize connections kept open
 * @param maxPoolSize most connections, i.e. most transactions using this participant at once
 * @param borrowTimeout how long a transaction waits for a free connection before failing
 * @param validationWindow a connection borrowed within this time of its last successful statement (or
 *        validation) is handed out without the validation query's round trip; zero validates on every borrow
 * @param propertyPrefix where the user configured this participant, e.g. {@code twophase.participants.jdbc.orders}:
 *        startup errors tell the user to set {@code <propertyPrefix>.url} and so on
 */
public record JdbcParticipantSettings(String name, String url, String username, String password,
        int minPoolSize, int maxPoolSize, Duration borrowTimeout, Duration validationWindow, String propertyPrefix) {

    /** The default {@code validation-window}. */
    public static final Duration DEFAULT_VALIDATION_WINDOW = Duration.ofSeconds(1);

    /** The prefix of every JDBC participant's properties; the participant's name follows. */
    public static final String PROPERTIES = "twophase.participants.jdbc";

    public JdbcParticipantSettings {
        Objects.requireNonNull(name, "name");
        password = password == null ? "" : password;
        if (borrowTimeout == null) {
            borrowTimeout = Duration.ofSeconds(30);
        }
        if (validationWindow == null) {
            validationWindow = DEFAULT_VALIDATION_WINDOW;
        }
        if (propertyPrefix == null || propertyPrefix.isBlank()) {
            propertyPrefix = PROPERTIES + "." + name;
        }
    }

    /** Settings configured under {@code twophase.participants.jdbc.<name>}. */
    public JdbcParticipantSettings(String name, String url, String username, String password,
            int minPoolSize, int maxPoolSize, Duration borrowTimeout) {
        this(name, url, username, password, minPoolSize, maxPoolSize, borrowTimeout, null, null);
    }

    /** Settings with the default pool: 2 to 20 connections, 30 s borrow timeout. */
    public static JdbcParticipantSettings of(String name, String url, String username, String password) {
        return new JdbcParticipantSettings(name, url, username, password, 2, 20, Duration.ofSeconds(30));
    }

    /** The full name of one of this participant's properties, e.g. {@code twophase.participants.jdbc.orders.url} for {@code url}. */
    public String property(String key) {
        return propertyPrefix + "." + key;
    }

    @Override
    public String toString() {
        // Never print the password.
        return "JdbcParticipantSettings[name=" + name + ", url=" + url + ", username=" + username
                + ", pool=" + minPoolSize + ".." + maxPoolSize + ", borrowTimeout=" + borrowTimeout + ", validationWindow=" + validationWindow
                + ", properties=" + propertyPrefix + "]";
    }
}
