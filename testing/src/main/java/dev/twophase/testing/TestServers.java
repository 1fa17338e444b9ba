package dev.twophase.testing;

import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * Finds the database servers for integration tests, in this order:
 * <ol>
 * <li>environment variables ({@code TWOPHASE_TEST_PG_URL}, {@code _USER}, {@code _PASSWORD};
 *     {@code TWOPHASE_TEST_MYSQL_URL}, {@code _USER}, {@code _PASSWORD}), which {@code .ci/run} sets;</li>
 * <li>Testcontainers, where a Docker engine is available (PostgreSQL with
 *     {@code max_prepared_transactions=100}, MySQL 8.4 with {@code XA_RECOVER_ADMIN});</li>
 * <li>the local services as {@code scripts/prepare-local-services.sh} leaves them: a private database
 *     per JVM when the local superusers may create one (so parallel runs do not collide), else the
 *     shared {@code twophase_it_a} / {@code twophase_it_b}.</li>
 * </ol>
 * One instance per JVM; containers are stopped by Testcontainers' reaper.
 */
public final class TestServers {

    private static final Logger log = LoggerFactory.getLogger(TestServers.class);

    /**
     * JDBC coordinates of one server.
     *
     * @param url JDBC URL of the test database
     * @param username user owning the test database
     * @param password its password
     */
    public record Jdbc(String url, String username, String password) {
    }

    private static final Lazy<Jdbc> POSTGRES = new Lazy<>(() -> find("PG", TestServers::localPostgres, TestServers::postgresContainer));
    private static final Lazy<Jdbc> MYSQL = new Lazy<>(() -> find("MYSQL", TestServers::localMysql, TestServers::mysqlContainer));

    private TestServers() {
    }

    /** The PostgreSQL test database (bank A). */
    public static Jdbc postgres() {
        return POSTGRES.get();
    }

    /** The MySQL-protocol test database (bank B). */
    public static Jdbc mysql() {
        return MYSQL.get();
    }

    private static Jdbc find(String kind, Supplier<Jdbc> local, Supplier<Jdbc> container) {
        Map<String, String> env = System.getenv();
        String url = env.get("TWOPHASE_TEST_" + kind + "_URL");
        if (url != null && !url.isBlank()) {
            return new Jdbc(url, env.getOrDefault("TWOPHASE_TEST_" + kind + "_USER", "twophase"),
                    env.getOrDefault("TWOPHASE_TEST_" + kind + "_PASSWORD", "twophase"));
        }
        if (dockerAvailable()) {
            log.info("TWOPHASE_TEST_{}_URL is not set and Docker is available: starting a container", kind);
            return container.get();
        }
        Jdbc jdbc = local.get();
        log.info("TWOPHASE_TEST_{}_URL is not set and Docker is not available: using the local server, database {}"
                + " (prepare it with scripts/prepare-local-services.sh)", kind, jdbc.url());
        return jdbc;
    }

    /**
     * A private database for this JVM on the local PostgreSQL (dropped at exit), so that test runs
     * in parallel never reset each other's tables; the shared twophase_it_a when it cannot be created.
     */
    private static Jdbc localPostgres() {
        String shared = "jdbc:postgresql://127.0.0.1:5432/twophase_it_a";
        String db = "twophase_it_a_p" + ProcessHandle.current().pid();
        String admin = "jdbc:postgresql://127.0.0.1:5432/postgres";
        try (var c = java.sql.DriverManager.getConnection(admin, "postgres", ""); var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db);
            st.execute("CREATE DATABASE " + db + " OWNER twophase");
        } catch (java.sql.SQLException e) {
            log.info("Cannot create a private PostgreSQL test database ({}); using the shared twophase_it_a", e.getMessage());
            return new Jdbc(shared, "twophase", "twophase");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(admin, "postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)")));
        return new Jdbc("jdbc:postgresql://127.0.0.1:5432/" + db, "twophase", "twophase");
    }

    /** Like {@link #localPostgres()}, on the local MySQL/MariaDB (root with an empty password). */
    private static Jdbc localMysql() {
        String params = "?sslMode=DISABLED&allowPublicKeyRetrieval=true";
        String db = "twophase_it_b_p" + ProcessHandle.current().pid();
        String admin = "jdbc:mysql://127.0.0.1:3306/" + params;
        try (var c = java.sql.DriverManager.getConnection(admin, "root", ""); var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db);
            st.execute("CREATE DATABASE " + db);
            st.execute("GRANT ALL PRIVILEGES ON " + db + ".* TO 'twophase'@'%'");
            st.execute("GRANT ALL PRIVILEGES ON " + db + ".* TO 'twophase'@'localhost'");
        } catch (java.sql.SQLException e) {
            log.info("Cannot create a private MySQL test database ({}); using the shared twophase_it_b", e.getMessage());
            return new Jdbc("jdbc:mysql://127.0.0.1:3306/twophase_it_b" + params, "twophase", "twophase");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(admin, "root", "DROP DATABASE IF EXISTS " + db)));
        return new Jdbc("jdbc:mysql://127.0.0.1:3306/" + db + params, "twophase", "twophase");
    }

    private static void dropQuietly(String adminUrl, String user, String sql) {
        try (var c = java.sql.DriverManager.getConnection(adminUrl, user, ""); var st = c.createStatement()) {
            st.execute(sql);
        } catch (java.sql.SQLException e) {
            // Best effort at JVM exit: a leftover private test database is harmless and dropped by the next run with this pid.
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // stopped by the Testcontainers reaper at JVM exit
    private static Jdbc postgresContainer() {
        PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:16-alpine")
                .withDatabaseName("twophase_it_a").withUsername("twophase").withPassword("twophase")
                .withCommand("postgres", "-c", "max_prepared_transactions=100");
        pg.start();
        return new Jdbc(pg.getJdbcUrl(), pg.getUsername(), pg.getPassword());
    }

    @SuppressWarnings("resource")
    private static Jdbc mysqlContainer() {
        MySQLContainer<?> mysql = new MySQLContainer<>("mysql:8.4")
                .withDatabaseName("twophase_it_b").withUsername("twophase").withPassword("twophase");
        mysql.start();
        try (var c = java.sql.DriverManager.getConnection(mysql.getJdbcUrl(), "root", mysql.getPassword());
                var st = c.createStatement()) {
            st.execute("GRANT XA_RECOVER_ADMIN ON *.* TO 'twophase'@'%'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot grant XA_RECOVER_ADMIN in the MySQL container", e);
        }
        return new Jdbc(mysql.getJdbcUrl() + "?sslMode=DISABLED&allowPublicKeyRetrieval=true", "twophase", "twophase");
    }

    private static final class Lazy<T> {
        private final Supplier<T> supplier;
        private T value;

        Lazy(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        synchronized T get() {
            if (value == null) {
                value = supplier.get();
            }
            return value;
        }
    }
}
