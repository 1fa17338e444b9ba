package dev.twophase.participants.internal;

import java.sql.SQLException;

import javax.sql.XAConnection;
import javax.sql.XADataSource;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.JdbcParticipantSettings;

/** Shared part of the database preflight checks: one plain connection, errors turned into reports. */
public final class Preflight {

    /** Work done on the preflight connection. */
    @FunctionalInterface
    public interface Check {
        void run(java.sql.Connection connection) throws SQLException;
    }

    private Preflight() {
    }

    /**
     * Opens one connection through the participant's own XA data source (so its connect timeout
     * and settings apply), outside any transaction, and runs the check on it.
     *
     * @throws TwophaseStartupException when the server cannot be reached, refuses the login, or the check fails with an SQLException
     */
    public static void run(JdbcParticipantSettings s, String technology, int defaultPort, XADataSource dataSource, Check check) {
        Endpoint endpoint = Endpoint.fromJdbcUrl(s.url(), defaultPort);
        String subject = subject(s, technology, endpoint);
        XAConnection connection;
        try {
            connection = dataSource.getXAConnection();
        } catch (SQLException e) {
            if (Endpoint.unreachable(e)) {
                throw new TwophaseStartupException(subject,
                        "the server at " + endpoint + " cannot be reached (" + describe(e) + ")",
                        "Start " + technology + " on " + endpoint + ", or point " + s.property("url") + " at the running server.", e);
            }
            throw new TwophaseStartupException(subject,
                    "the server at " + endpoint + " refused the connection for user '" + s.username() + "' ("
                            + describe(e) + ")",
                    "Check " + s.property("username") + ", " + s.property("password") + " and the database name in " + s.property("url")
                            + "; create the user and database if they are missing.",
                    e);
        }
        try {
            check.run(connection.getConnection());
        } catch (SQLException e) {
            throw new TwophaseStartupException(subject, "the preflight check failed (" + describe(e) + ")",
                    "Check that user '" + s.username() + "' (" + s.property("username") + ") may use the database in " + s.url() + ".", e);
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                // The check's outcome stands; a failed close of a probe connection changes nothing.
            }
        }
    }

    /** The message of an SQLException with its SQLState and vendor code, for error reports. */
    public static String describe(SQLException e) {
        return e.getMessage() + " [SQLState " + e.getSQLState() + ", vendor code " + e.getErrorCode() + "]";
    }

    /** How a report names the participant: {@code participant 'bank-a' (PostgreSQL at 127.0.0.1:5432)}. */
    public static String subject(JdbcParticipantSettings s, String technology, Endpoint endpoint) {
        return "participant '" + s.name() + "' (" + technology + " at " + endpoint + ")";
    }
}
