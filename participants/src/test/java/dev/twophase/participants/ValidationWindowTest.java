package dev.twophase.participants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.xa.XaResourceChain;

/**
 * The validation window: Atomikos's test query is answered without the database only right after
 * the server answered the same connection (a real validation, a successful XA end, prepare, commit
 * or rollback), never after the window passed, and never once a connection failure of the data
 * source ended every window.
 */
class ValidationWindowTest {

    private static final String QUERY = JdbcParticipants.VALIDATION_QUERY;

    @Test
    void validatesForRealUntilTheServerAnsweredThenSkipsWithinTheWindow() throws Exception {
        try (Handles h = open(Duration.ofHours(1))) {
            assertThat(validation(h.connection)).as("nothing succeeded yet").doesNotContain("answered");
            // Atomikos's own sequence: prepareStatement, setQueryTimeout, execute, close.
            assertThat(runValidation(h.connection)).isTrue();
            assertThat(validation(h.connection)).as("right after the real validation").contains("answered");
        }
    }

    @Test
    void aCompletedTransactionBranchMarksItsConnection() throws Exception {
        try (Handles h = open(Duration.ofHours(1))) {
            XAResource xa = h.xa.getXAResource();
            var xid = new dev.twophase.coordinator.xa.PlainXid(1, new byte[] {2}, new byte[] {2});
            xa.start(xid, XAResource.TMNOFLAGS);
            h.connection.createStatement().execute("CREATE TABLE t (id INT)");
            assertThat(validation(h.connection)).as("a statement alone does not mark").doesNotContain("answered");
            xa.end(xid, XAResource.TMSUCCESS);
            assertThat(validation(h.connection)).as("after a successful XA end").contains("answered");
            xa.commit(xid, true);
            assertThat(validation(h.connection)).contains("answered");
        }
    }

    @Test
    void theWindowPasses() throws Exception {
        try (Handles h = open(Duration.ofMillis(50))) {
            runValidation(h.connection);
            assertThat(validation(h.connection)).contains("answered");
            Thread.sleep(120);
            assertThat(validation(h.connection)).as("validated for real once the window passed").doesNotContain("answered");
        }
    }

    @Test
    void aConnectionFailureEndsTheWindowOfEveryConnectionOfTheDataSource() throws Exception {
        XADataSource ds = ValidationWindow.wrap(h2(), Duration.ofHours(1), QUERY);
        XAConnection first = ds.getXAConnection();
        XAConnection second = ds.getXAConnection();
        try {
            Connection a = first.getConnection();
            Connection b = second.getConnection();
            runValidation(a);
            runValidation(b);
            assertThat(validation(b)).contains("answered");
            // The first connection's server side is gone: its XA start fails.
            first.close();
            XAResource dead = first.getXAResource();
            assertThatExceptionOfType(Exception.class).isThrownBy(() -> dead.start(new dev.twophase.coordinator.xa.PlainXid(1,
                    new byte[] {1}, new byte[] {1}), XAResource.TMNOFLAGS));
            assertThat(validation(b)).as("another connection of the same data source").doesNotContain("answered");
        } finally {
            second.close();
        }
    }

    @Test
    void oneWatchPerVendorResourceSinceAtomikosComparesThemByIdentity() throws Exception {
        try (Handles h = open(Duration.ofHours(1))) {
            XAResource once = h.xa.getXAResource();
            assertThat(h.xa.getXAResource()).isSameAs(once);
            assertThat(XaResourceChain.unwrap(once)).isNotSameAs(once);
            assertThat(once.isSameRM(h.xa.getXAResource())).isTrue();
        }
    }

    @Test
    void aZeroWindowLeavesTheVendorsDataSource() {
        JdbcDataSource vendor = h2();
        assertThat(ValidationWindow.wrap(vendor, Duration.ZERO, QUERY)).isSameAs(vendor);
    }

    private static boolean runValidation(Connection c) throws SQLException {
        PreparedStatement ps = c.prepareStatement(QUERY);
        ps.setQueryTimeout(5);
        boolean result = ps.execute();
        ps.close();
        return result;
    }

    private static String validation(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            return ps.toString();
        }
    }

    private static JdbcDataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:vw" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    private static Handles open(Duration window) throws SQLException {
        XAConnection xa = ValidationWindow.wrap(h2(), window, QUERY).getXAConnection();
        return new Handles(xa, xa.getConnection());
    }

    private record Handles(XAConnection xa, Connection connection) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            xa.close();
        }
    }
}
