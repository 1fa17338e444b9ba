package dev.twophase.testing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.participants.mysql.MySqlTechnology;
import dev.twophase.participants.postgresql.PostgresTechnology;

/**
 * Reads and resets the real state of a test database over plain JDBC: prepared branches
 * ({@code pg_prepared_xacts}, {@code XA RECOVER}), single values, and a clean schema.
 *
 * <p>The probe's own reads and statements ({@link #queryLong}, {@link #queryString}, {@link #execute},
 * {@link #preparedBranches}) borrow an autocommit connection from a small pool per server, shared by
 * every probe of this JVM: a test that compares dozens of counts before and after each request paid
 * for a new PostgreSQL backend per count (about a second per request in BadInputIT). A pooled
 * connection idle for half a second is validated before use, so one broken by a database restart
 * is replaced; a read that still meets a broken connection is retried once on a new one.
 * {@link #connect()} and {@link #reset()} keep using a connection of their own.
 */
public final class DatabaseProbe {

    private static final Pattern TEST_COORDINATOR = Pattern.compile("^(?:it|fi)-(\\d+)(?:-[a-z0-9]+)?\\.");
    private static final Map<String, HikariDataSource> POOLS = new ConcurrentHashMap<>();

    private final TestServers.Jdbc server;

    private DatabaseProbe(TestServers.Jdbc server) {
        this.server = server;
    }

    public static DatabaseProbe postgres() {
        return new DatabaseProbe(TestServers.postgres());
    }

    public static DatabaseProbe mysql() {
        return new DatabaseProbe(TestServers.mysql());
    }

    /** A pooled autocommit connection to this probe's server (see the class comment). */
    private Connection pooled() throws SQLException {
        HikariDataSource pool = POOLS.computeIfAbsent(server.url() + "|" + server.username(), key -> {
            HikariConfig config = new HikariConfig();
            config.setPoolName("probe-" + (isPostgres() ? "pg" : "mysql") + "-" + POOLS.size());
            config.setJdbcUrl(server.url());
            config.setUsername(server.username());
            config.setPassword(server.password());
            config.setMaximumPoolSize(4);
            config.setMinimumIdle(0);
            config.setIdleTimeout(10_000);
            config.setConnectionTimeout(10_000);
            config.setAutoCommit(true);
            if (isPostgres()) {
                // No server-side prepared statements: a test's reset() drops and recreates every table.
                config.addDataSourceProperty("prepareThreshold", "0");
            }
            return new HikariDataSource(config);
        });
        return pool.getConnection();
    }

    /** One statement's work on a pooled connection, retried once on a new one if the connection was broken. */
    private <T> T withPooled(SqlWork<T> work) throws SQLException {
        try (Connection c = pooled()) {
            return work.on(c);
        } catch (SQLException e) {
            if (!brokenConnection(e)) {
                throw e;
            }
            try (Connection c = pooled()) {
                return work.on(c);
            }
        }
    }

    /** Connection errors (SQLState class 08) and PostgreSQL's "terminating connection" on shutdown (57P01..57P03). */
    private static boolean brokenConnection(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T on(Connection c) throws SQLException;
    }

    public TestServers.Jdbc server() {
        return server;
    }

    public boolean isPostgres() {
        return server.url().startsWith("jdbc:postgresql:");
    }

    /**
     * Global transaction ids of the prepared branches in this database: {@code pg_prepared_xacts}
     * of the current database on PostgreSQL, {@code XA RECOVER} on MySQL/MariaDB.
     */
    public List<String> preparedBranches() {
        try {
            return withPooled(c -> {
                if (isPostgres()) {
                    return new PostgresTechnology().preparedBranches(c);
                }
                // XA RECOVER is server-wide on MySQL/MariaDB: keep this JVM's coordinator's branches only.
                TmName self = TmName.of("it-" + ProcessHandle.current().pid());
                return MySqlTechnology.recoveredXids(c).stream().filter(x -> self.owns(x.bqual())).map(PlainXid::toString).toList();
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list prepared branches in " + server.url(), e);
        }
    }

    /** The single number a query returns, e.g. {@code SELECT SUM(balance_cents) FROM account}. */
    public long queryLong(String sql, Object... args) {
        try {
            return withPooled(c -> {
                try (var ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < args.length; i++) {
                        ps.setObject(i + 1, args[i]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no row for " + sql);
                        }
                        return rs.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + server.url() + ": " + sql, e);
        }
    }

    /** The single text value a query returns. */
    public String queryString(String sql) {
        try {
            return withPooled(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no row for " + sql);
                    }
                    return rs.getString(1);
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + server.url() + ": " + sql, e);
        }
    }

    /** Runs a statement, e.g. DDL that a test adds and removes (not retried: it may have taken effect). */
    public void execute(String sql) {
        try (Connection c = pooled(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed on " + server.url() + ": " + sql, e);
        }
    }

    /**
     * Rolls back the prepared branches left in this database by earlier test runs (they hold
     * locks), then drops every table, so the application's Flyway starts from an empty schema. On
     * MySQL, whose XA RECOVER is server-wide, only branches of test coordinators whose JVM is gone.
     */
    public void reset() {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            if (isPostgres()) {
                for (String gid : preparedBranches()) {
                    st.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
                }
                st.execute("DROP SCHEMA IF EXISTS public CASCADE");
                st.execute("CREATE SCHEMA public");
            } else {
                for (PlainXid xid : MySqlTechnology.recoveredXids(c)) {
                    if (!leftByDeadTestJvm(xid)) {
                        continue; // another live test JVM's branch (XA RECOVER is server-wide), or not a test's at all
                    }
                    try {
                        st.execute("XA ROLLBACK " + MySqlTechnology.xaSql(xid));
                    } catch (SQLException e) {
                        // MariaDB answers 1402 (XA_RBROLLBACK) for a recovered branch it did roll back.
                        if (e.getErrorCode() != 1402) {
                            throw e;
                        }
                    }
                }
                String schema = c.getCatalog();
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                        + schema + "'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                st.execute("SET FOREIGN_KEY_CHECKS = 0");
                for (String table : tables) {
                    st.execute("DROP TABLE `" + table + "`");
                }
                st.execute("SET FOREIGN_KEY_CHECKS = 1");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset " + server.url(), e);
        }
    }

    /**
     * Test coordinators are named it-<pid> (RealParticipantsTest) or fi-<pid>[-<suffix>] (the fault-injection suite);
     * Atomikos's branch qualifier starts with the name.
     */
    private static boolean leftByDeadTestJvm(PlainXid xid) {
        Matcher m = TEST_COORDINATOR.matcher(new String(xid.bqual(), StandardCharsets.ISO_8859_1));
        return m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(server.url(), server.username(), server.password());
    }
}
