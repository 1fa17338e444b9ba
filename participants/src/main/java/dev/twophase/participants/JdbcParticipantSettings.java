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
 */
public record JdbcParticipantSettings(String name, String url, String username, String password,
        int minPoolSize, int maxPoolSize, Duration borrowTimeout) {

    public JdbcParticipantSettings {
        Objects.requireNonNull(name, "name");
        password = password == null ? "" : password;
        if (borrowTimeout == null) {
            borrowTimeout = Duration.ofSeconds(30);
        }
    }

    /** Settings with the default pool: 2 to 20 connections, 30 s borrow timeout. */
    public static JdbcParticipantSettings of(String name, String url, String username, String password) {
        return new JdbcParticipantSettings(name, url, username, password, 2, 20, Duration.ofSeconds(30));
    }

    @Override
    public String toString() {
        // Never print the password.
        return "JdbcParticipantSettings[name=" + name + ", url=" + url + ", username=" + username
                + ", pool=" + minPoolSize + ".." + maxPoolSize + ", borrowTimeout=" + borrowTimeout + "]";
    }
}
