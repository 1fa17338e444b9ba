package dev.twophase.participants.autoconfigure;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcParticipants;

/** Migrates one database participant with Flyway. Loaded only when Flyway is on the class path and the participant asks for it. */
final class FlywayMigration {

    /** Replaced in every location by the technology's schema folder. */
    static final String VENDOR = "{vendor}";

    private FlywayMigration() {
    }

    static void migrate(JdbcParticipantSettings settings, ParticipantsProperties.Flyway flyway) {
        String vendor = JdbcParticipants.technologyFor(settings).schemaFolder();
        String[] locations = flyway.locations().stream().map(l -> l.replace(VENDOR, vendor)).toArray(String[]::new);
        try {
            Flyway.configure(FlywayMigration.class.getClassLoader())
                    .dataSource(JdbcParticipants.plainDataSource(settings))
                    .locations(locations)
                    .placeholders(flyway.placeholders())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new TwophaseStartupException("participant '" + settings.name() + "'",
                    "the Flyway migration of " + String.join(", ", locations) + " failed (" + e.getMessage() + ")",
                    "Fix the migration scripts, or check " + settings.property("flyway.locations") + " and "
                            + settings.property("flyway.placeholders") + ".", e);
        }
    }
}
