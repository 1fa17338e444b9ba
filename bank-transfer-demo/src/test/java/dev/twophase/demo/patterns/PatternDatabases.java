package dev.twophase.demo.patterns;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;

import dev.twophase.testing.DatabaseProbe;
import dev.twophase.testing.TestServers;

/**
 * The databases the pattern components are tested on: the real PostgreSQL (bank A's) and MariaDB
 * (bank B's), and an in-memory H2 (the embedded default), each emptied and migrated with the demo's
 * own Flyway scripts, as the application migrates them.
 */
final class PatternDatabases {

    record Database(String name, TestServers.Jdbc jdbc, String vendor) {

        @Override
        public String toString() {
            return name;
        }

        /** A connection in a local transaction (auto-commit off). */
        Connection connect() throws SQLException {
            Connection c = DriverManager.getConnection(jdbc.url(), jdbc.username(), jdbc.password());
            c.setAutoCommit(false);
            return c;
        }

        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.DriverManagerDataSource(jdbc.url(), jdbc.username(), jdbc.password());
        }
    }

    static final Database POSTGRES = new Database("PostgreSQL", DatabaseProbe.postgres().server(), "postgresql");
    static final Database MARIADB = new Database("MariaDB", DatabaseProbe.mysql().server(), "mysql");
    static final Database H2 = new Database("H2", new TestServers.Jdbc(
            "jdbc:h2:mem:patterns-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", ""), "postgresql");
    static final List<Database> ALL = List.of(POSTGRES, MARIADB, H2);

    private PatternDatabases() {
    }

    /** Empties the real databases and migrates all three; then runs {@code extraDdl} on each. */
    static void migrate(String... extraDdl) throws SQLException {
        DatabaseProbe.postgres().reset();
        DatabaseProbe.mysql().reset();
        for (Database db : ALL) {
            Flyway.configure().dataSource(db.jdbc().url(), db.jdbc().username(), db.jdbc().password())
                    .locations("classpath:db/" + db.vendor(), "classpath:db/common").placeholders(Map.of("bank", "A"))
                    .load().migrate();
            try (Connection c = db.connect()) {
                for (String ddl : extraDdl) {
                    c.createStatement().execute(ddl);
                }
                c.commit();
            }
        }
    }
}
