package dev.twophase.participants.postgresql;

import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.XADataSource;

import org.postgresql.xa.PGXADataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcTechnology;
import dev.twophase.participants.internal.Endpoint;
import dev.twophase.participants.internal.Preflight;

/**
 * PostgreSQL through pgjdbc's {@link PGXADataSource}.
 *
 * <p>The preflight check fails when {@code max_prepared_transactions} is 0 (PostgreSQL's default:
 * PREPARE TRANSACTION is then refused) or smaller than the pool, since every connection may hold
 * one prepared transaction at a time. Note that pgjdbc's {@code recover()} sees prepared
 * transactions of the connected database only, and {@code setTransactionTimeout} is a no-op.
 */
public final class PostgresTechnology implements JdbcTechnology {

    private static final Logger log = LoggerFactory.getLogger(PostgresTechnology.class);
    static final int DEFAULT_PORT = 5432;

    @Override
    public String displayName() {
        return "PostgreSQL";
    }

    @Override
    public String schemaFolder() {
        return "postgresql";
    }

    @Override
    public String exampleUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/twophase_a";
    }

    @Override
    public String urlPrefix() {
        return "jdbc:postgresql:";
    }

    @Override
    public XADataSource xaDataSource(JdbcParticipantSettings s) {
        PGXADataSource ds = new PGXADataSource();
        ds.setURL(s.url());
        ds.setUser(s.username());
        ds.setPassword(s.password());
        ds.setConnectTimeout(10);
        ds.setTcpKeepAlive(true);
        return ds;
    }

    @Override
    public void preflight(JdbcParticipantSettings s) {
        Endpoint endpoint = Endpoint.fromJdbcUrl(s.url(), DEFAULT_PORT);
        Preflight.run(s, displayName(), DEFAULT_PORT, xaDataSource(s), connection -> {
            int maxPrepared;
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_setting('max_prepared_transactions')::int")) {
                rs.next();
                maxPrepared = rs.getInt(1);
            }
            String problem = problemWith(maxPrepared, s.maxPoolSize());
            if (problem != null) {
                throw new TwophaseStartupException(Preflight.subject(s, displayName(), endpoint), problem,
                        fix(Math.max(64, s.maxPoolSize() * 2), s.property("max-pool-size")), null);
            }
            int pending = preparedBranches(connection).size();
            if (pending > 0) {
                log.warn("Participant '{}' (PostgreSQL at {}) holds {} prepared transaction(s); recovery will resolve"
                        + " the ones this coordinator owns", s.name(), endpoint, pending);
            }
        });
    }

    @Override
    public java.util.List<String> preparedBranches(java.sql.Connection connection) throws java.sql.SQLException {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY prepared")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Why a {@code max_prepared_transactions} value cannot serve a pool of the given size, or {@code null}. */
    static String problemWith(int maxPreparedTransactions, int maxPoolSize) {
        if (maxPreparedTransactions == 0) {
            return "prepared transactions are disabled (max_prepared_transactions = 0, PostgreSQL's default),"
                    + " so PREPARE TRANSACTION, the first phase of two-phase commit, would fail";
        }
        if (maxPreparedTransactions < maxPoolSize) {
            return "max_prepared_transactions = " + maxPreparedTransactions + " is smaller than the pool ("
                    + maxPoolSize + " connections), so prepares would fail under load";
        }
        return null;
    }

    static String fix(int suggested, String maxPoolSizeProperty) {
        return "As a superuser run: ALTER SYSTEM SET max_prepared_transactions = " + suggested
                + "; then restart PostgreSQL (the setting only takes effect after a restart; e.g."
                + " pg_ctlcluster 15 main restart). With Docker, start postgres with -c max_prepared_transactions="
                + suggested + " (docker-compose.yml does). Or lower " + maxPoolSizeProperty + ".";
    }
}
