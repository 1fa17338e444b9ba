package dev.twophase.coordinator.log;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import com.atomikos.recovery.LogException;

/**
 * Applies the PostgreSQL log store's schema ({@code sql/coordinator-log/postgresql}, on the class path
 * as {@code db/twophase-log/postgresql}) with Flyway, in its own history table so that it can share a
 * database, even a schema, with the application's migrations.
 */
public final class PostgresLogSchema {

    static final String LOCATION = "classpath:db/twophase-log/postgresql";
    static final String HISTORY_TABLE = "twophase_log_schema_history";

    private PostgresLogSchema() {
    }

    public static void migrate(PostgresLogStore.Settings settings) throws LogException {
        try {
            Flyway.configure(PostgresLogSchema.class.getClassLoader())
                    .dataSource(settings.url(), settings.username(), settings.password())
                    .locations(LOCATION)
                    .table(HISTORY_TABLE)
                    // The schema may hold the application's tables already: start from nothing of ours.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (FlywayException | NoClassDefFoundError e) {
            throw new LogException("cannot apply the coordinator log's schema to " + settings.url() + ": " + e.getMessage());
        }
    }
}
