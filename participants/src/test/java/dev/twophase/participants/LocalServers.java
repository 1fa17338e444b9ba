package dev.twophase.participants;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

/**
 * JDBC coordinates of the real servers for this module's ITs: {@code TWOPHASE_TEST_PG_*} and
 * {@code TWOPHASE_TEST_MYSQL_*} when set, else the local services of
 * {@code scripts/prepare-local-services.sh}. (twophase-testing depends on this module, so it cannot
 * be used here.)
 */
public final class LocalServers {

    private LocalServers() {
    }

    /** The PostgreSQL test database, as a participant with the given pool size. */
    public static JdbcParticipantSettings postgres(String name, int maxPoolSize) {
        return settings(name, "PG", "jdbc:postgresql://127.0.0.1:5432/twophase_it_a", maxPoolSize);
    }

    /** The MySQL-protocol test database, as a participant with the given pool size. */
    public static JdbcParticipantSettings mysql(String name, int maxPoolSize) {
        return settings(name, "MYSQL", "jdbc:mysql://127.0.0.1:3306/twophase_it_b?sslMode=DISABLED&allowPublicKeyRetrieval=true",
                maxPoolSize);
    }

    /** A local TCP port nobody listens on (bound once, then released). */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port", e);
        }
    }

    private static JdbcParticipantSettings settings(String name, String kind, String localUrl, int maxPoolSize) {
        String url = env("TWOPHASE_TEST_" + kind + "_URL", localUrl);
        return new JdbcParticipantSettings(name, url, env("TWOPHASE_TEST_" + kind + "_USER", "twophase"),
                env("TWOPHASE_TEST_" + kind + "_PASSWORD", "twophase"), 1, maxPoolSize, Duration.ofSeconds(5));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
