package dev.twophase.participants;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.atomikos.jdbc.AtomikosDataSourceBean;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.fault.FaultInjection;
import dev.twophase.participants.h2.H2Technology;
import dev.twophase.participants.mysql.MySqlTechnology;
import dev.twophase.participants.postgresql.PostgresTechnology;

/**
 * Builds XA database participants: picks the technology from the JDBC URL, runs its preflight
 * check and wraps its {@code XADataSource} in a pooled Atomikos data source.
 *
 * <p>Use {@link #dataSource(JdbcParticipantSettings)} for all transactional work (it enlists in the
 * current JTA transaction and refuses work outside one), and {@link #plainDataSource} only for
 * schema migration, which must not run under XA.
 */
public final class JdbcParticipants {

    private static final List<JdbcTechnology> TECHNOLOGIES = List.of(
            new PostgresTechnology(), new MySqlTechnology(), new H2Technology());

    private JdbcParticipants() {
    }

    /**
     * @throws TwophaseStartupException when no technology handles the URL
     */
    public static JdbcTechnology technologyFor(JdbcParticipantSettings settings) {
        String url = settings.url();
        if (url != null) {
            for (JdbcTechnology technology : TECHNOLOGIES) {
                if (technology.accepts(url)) {
                    return technology;
                }
            }
        }
        throw new TwophaseStartupException("participant '" + settings.name() + "'",
                "the JDBC URL " + (url == null ? "is missing" : "'" + url + "' names no supported database"),
                "Set the participant's url to one of: " + TECHNOLOGIES.stream()
                        .map(t -> t.displayName() + " (e.g. " + t.exampleUrl() + ")").collect(Collectors.joining(", ")),
                null);
    }

    /**
     * Runs the preflight check and builds the pooled XA data source. The bean is not started:
     * call {@code init()} (Spring does, as the init method) and {@code close()} at shutdown.
     * The driver's XA data source is {@link FaultInjection#wrap wrapped for fault injection} under
     * the participant's name; {@link FaultInjection#unwrap} returns the driver's own.
     */
    public static AtomikosDataSourceBean dataSource(JdbcParticipantSettings settings) {
        JdbcTechnology technology = technologyFor(settings);
        validatePool(settings);
        technology.preflight(settings);
        AtomikosDataSourceBean bean = new AtomikosDataSourceBean();
        bean.setUniqueResourceName(settings.name());
        // Always wrapped: while no fault is armed the wrapper only passes calls on.
        bean.setXaDataSource(FaultInjection.wrap(settings.name(), technology.xaDataSource(settings)));
        bean.setMinPoolSize(settings.minPoolSize());
        bean.setMaxPoolSize(settings.maxPoolSize());
        bean.setBorrowConnectionTimeout((int) Math.max(1, settings.borrowTimeout().toSeconds()));
        bean.setMaintenanceInterval(60);
        bean.setMaxIdleTime(60);
        // Work outside a JTA transaction must fail, not silently auto-commit.
        bean.setLocalTransactionMode(false);
        return bean;
    }

    /** A non-XA data source on the same database, for Flyway. Opens a connection per call. */
    public static DataSource plainDataSource(JdbcParticipantSettings settings) {
        technologyFor(settings);
        return new DriverManagerDataSource(settings.url(), settings.username(), settings.password());
    }

    private static void validatePool(JdbcParticipantSettings s) {
        if (s.minPoolSize() < 0 || s.maxPoolSize() < 1 || s.minPoolSize() > s.maxPoolSize()) {
            throw new TwophaseStartupException("participant '" + s.name() + "'",
                    "the pool sizes are inconsistent (min=" + s.minPoolSize() + ", max=" + s.maxPoolSize() + ")",
                    "Set min-pool-size >= 0 and max-pool-size >= max(1, min-pool-size).", null);
        }
    }

    /** The message of an SQLException with its SQLState and vendor code, for error reports. */
    public static String describe(SQLException e) {
        return e.getMessage() + " [SQLState " + e.getSQLState() + ", vendor code " + e.getErrorCode() + "]";
    }
}
