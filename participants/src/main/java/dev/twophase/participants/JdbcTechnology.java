package dev.twophase.participants;

import javax.sql.XADataSource;

/**
 * One database technology that can take part in XA: builds its driver's {@link XADataSource} and
 * checks at startup that the server can really do two-phase commit.
 *
 * <p>Implementations live in one package per technology. Look one up with
 * {@link JdbcParticipants#technologyFor(JdbcParticipantSettings)}.
 */
public interface JdbcTechnology {

    /** Human name, e.g. {@code PostgreSQL}. */
    String displayName();

    /** Folder of this engine's schema under {@code sql/} (and {@code classpath:db/}). */
    String schemaFolder();

    /** The start of every JDBC URL this technology handles, e.g. {@code jdbc:postgresql:}. */
    String urlPrefix();

    /** A complete URL of this technology, shown in error messages, e.g. {@code jdbc:postgresql://host:5432/db}. */
    String exampleUrl();

    /** Whether this technology handles the JDBC URL. */
    default boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith(urlPrefix());
    }

    /** The driver's XA data source, configured but not yet connected. */
    XADataSource xaDataSource(JdbcParticipantSettings settings);

    /**
     * Connects once and checks that this server can take part in two-phase commit.
     *
     * @throws dev.twophase.coordinator.TwophaseStartupException naming the participant, what is wrong and the fix
     */
    void preflight(JdbcParticipantSettings settings);

    /**
     * The prepared (in-doubt) transaction branches this server holds for the connected database,
     * read over a plain connection: {@code pg_prepared_xacts}, {@code XA RECOVER},
     * {@code INFORMATION_SCHEMA.IN_DOUBT}. A point-in-time view: under load, branches are briefly
     * prepared between the two phases.
     *
     * @param connection a plain (non-XA) connection to the participant's database
     * @return one readable id per branch
     */
    java.util.List<String> preparedBranches(java.sql.Connection connection) throws java.sql.SQLException;
}
