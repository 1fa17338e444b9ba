package dev.twophase.participants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.atomikos.icatch.config.UserTransactionServiceImp;
import com.atomikos.icatch.jta.UserTransactionManager;
import com.atomikos.jdbc.AtomikosDataSourceBean;

/** A PostgreSQL participant built by {@link JdbcParticipants#dataSource} really runs under Atomikos's JTA. */
class PostgresXaParticipantIT {

    private final JdbcParticipantSettings settings = LocalServers.postgres("pf-it-pg", 4);
    // A real table, not a TEMP one: temp tables die with the pooled session, and PostgreSQL refuses to
    // PREPARE a transaction that touched one.
    private final String table = "pf_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

    @TempDir
    Path logDir;

    private UserTransactionServiceImp service;
    private UserTransactionManager tm;
    private AtomikosDataSourceBean dataSource;

    @BeforeEach
    void startAtomikosAndTheParticipant() throws Exception {
        plain("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Properties props = new Properties();
        props.setProperty("com.atomikos.icatch.tm_unique_name", "pf-it.");
        props.setProperty("com.atomikos.icatch.log_base_dir", logDir.toString());
        props.setProperty("com.atomikos.icatch.registered", "true");
        service = new UserTransactionServiceImp(props);
        service.init();
        tm = new UserTransactionManager();
        tm.setStartupTransactionService(false);
        tm.init();
        dataSource = JdbcParticipants.dataSource(settings, TestChains.plain());
        dataSource.init();
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (dataSource != null) {
                dataSource.close();
            }
            if (tm != null) {
                tm.close();
            }
            if (service != null) {
                service.shutdownWait();
            }
        } finally {
            plain("DROP TABLE IF EXISTS " + table);
        }
    }

    @Test
    void commitsAnInsertMadeInsideAJtaTransaction() throws Exception {
        tm.begin();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + table + " VALUES (1)");
        }
        assertThat(ids()).as("invisible before commit").isEmpty();
        tm.commit();

        assertThat(ids()).containsExactly(1);
    }

    @Test
    void rollsBackAnInsertMadeInsideAJtaTransaction() throws Exception {
        tm.begin();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + table + " VALUES (2)");
        }
        tm.rollback();

        assertThat(ids()).isEmpty();
    }

    @Test
    void refusesWorkOutsideAJtaTransaction() throws Exception {
        assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + table + " VALUES (3)");
            }
        }).withMessageContaining("A JTA transaction is required");

        assertThat(ids()).as("nothing was auto-committed").isEmpty();
    }

    private List<Integer> ids() throws SQLException {
        try (Connection c = plainConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            List<Integer> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
            return ids;
        }
    }

    private void plain(String sql) throws SQLException {
        try (Connection c = plainConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private Connection plainConnection() throws SQLException {
        return DriverManager.getConnection(settings.url(), settings.username(), settings.password());
    }
}
