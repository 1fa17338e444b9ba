package dev.twophase.participants;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.atomikos.jdbc.AtomikosDataSourceBean;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.XaResourceChain;

/**
 * Builds XA database participants: picks the technology from the JDBC URL, runs its preflight
 * check and wraps its {@code XADataSource} in a pooled Atomikos data source.
 *
 * <p>Use {@link #dataSource} for all transactional work (it enlists in the current JTA transaction
 * and refuses work outside one), and {@link #plainDataSource} only for schema migration, which must
 * not run under XA. The starter's auto-configuration calls both for every
 * {@code twophase.participants.jdbc.<name>}; call them yourself only when you wire a participant by hand.
 *
 * <p>The technologies are found with {@link ServiceLoader} ({@code META-INF/services/dev.twophase.participants.JdbcTechnology}),
 * so this class does not depend on the technology packages, which depend on it.
 */
public final class JdbcParticipants {

    private static final List<JdbcTechnology> TECHNOLOGIES = ServiceLoader.load(JdbcTechnology.class, JdbcParticipants.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

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
                "Set " + settings.property("url") + " to a URL of one of: " + TECHNOLOGIES.stream()
                        .map(t -> t.displayName() + " (e.g. " + t.exampleUrl() + ")").collect(Collectors.joining(", ")),
                null);
    }

    /** Run on every borrowed connection; valid on PostgreSQL, MySQL/MariaDB and H2. */
    static final String VALIDATION_QUERY = "SELECT 1 /* twophase validation */";

    /**
     * Runs the preflight check and builds the pooled XA data source. The bean is not started:
     * call {@code init()} (Spring does, as the init method) and {@code close()} at shutdown.
     * The driver's XA data source is decorated by {@code chain} under the participant's name;
     * {@link XaResourceChain#unwrap} returns the driver's own.
     *
     * @param chain the coordinator's {@link XaResourceChain} bean
     */
    public static AtomikosDataSourceBean dataSource(JdbcParticipantSettings settings, XaResourceChain chain) {
        JdbcTechnology technology = technologyFor(settings);
        validatePool(settings);
        technology.preflight(settings);
        AtomikosDataSourceBean bean = new SlicedBorrowDataSourceBean();
        bean.setUniqueResourceName(settings.name());
        bean.setXaDataSource(chain.wrap(settings.name(),
                ValidationWindow.wrap(technology.xaDataSource(settings), settings.validationWindow(), VALIDATION_QUERY)));
        bean.setMinPoolSize(settings.minPoolSize());
        bean.setMaxPoolSize(settings.maxPoolSize());
        bean.setBorrowConnectionTimeout((int) Math.max(1, settings.borrowTimeout().toSeconds()));
        bean.setMaintenanceInterval(60);
        bean.setMaxIdleTime(60);
        // Validate every borrowed connection with a query, not with isValid(): once the driver's
        // isValid() throws on a dead connection (pgjdbc does, on a logical handle whose physical
        // connection a terminated backend closed), Atomikos 6 concludes the driver cannot validate and
        // stops validating that connection for good, so a dead one is handed out and fails at XA start.
        // A failed test query always evicts the connection. Same round trip as isValid(), spared within the
        // participant's validation-window of the connection's last successful statement (ValidationWindow).
        bean.setTestQuery(VALIDATION_QUERY);
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
                    "Set " + s.property("min-pool-size") + " >= 0 and " + s.property("max-pool-size") + " >= max(1, min-pool-size).",
                    null);
        }
    }
}
