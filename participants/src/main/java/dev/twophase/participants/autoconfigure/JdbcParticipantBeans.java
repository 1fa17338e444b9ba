package dev.twophase.participants.autoconfigure;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import com.atomikos.jdbc.AtomikosDataSourceBean;

import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcParticipants;

/** Factory methods of the beans of a {@code twophase.participants.jdbc.<name>} participant. */
final class JdbcParticipantBeans {

    private JdbcParticipantBeans() {
    }

    /**
     * The pool, not yet started: the preflight check first (an unreachable or unfit server is reported with its fix,
     * not as Flyway's "unable to obtain connection"), then the migration over a plain connection.
     */
    static AtomikosDataSourceBean dataSource(JdbcParticipantSettings settings, ParticipantsProperties.Flyway flyway,
            XaResourceChain chain) {
        AtomikosDataSourceBean dataSource = JdbcParticipants.dataSource(settings, chain);
        if (flyway.active()) {
            FlywayMigration.migrate(settings, flyway);
        }
        return dataSource;
    }

    static JdbcTemplate jdbcTemplate(DataSource dataSource) {
        return new JdbcTemplate(dataSource);
    }
}
