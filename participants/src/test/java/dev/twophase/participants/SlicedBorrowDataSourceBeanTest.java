package dev.twophase.participants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.XADataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's borrow against Atomikos's real pool, on H2 behind a switch that makes the database refuse
 * new connections: a waiter gets a connection soon after the database is back, not at the end of its
 * borrow timeout; a busy pool is still waited on until a connection is returned; both timeouts say which.
 */
class SlicedBorrowDataSourceBeanTest {

    private SlicedBorrowDataSourceBean bean;

    @AfterEach
    void close() {
        if (bean != null) {
            bean.close();
        }
    }

    @Test
    void aWaiterGetsAConnectionSoonAfterTheDatabaseComesBackNotAtTheEndOfItsBorrowTimeout() throws Exception {
        Switchable database = new Switchable("back");
        bean = pool(database, 2, 120);
        database.down = true;
        CompletableFuture<Connection> waiter = CompletableFuture.supplyAsync(this::borrow);
        Thread.sleep(2500);
        assertThat(waiter).as("no connection while the database is down").isNotDone();

        database.down = false;
        // Atomikos alone would have the waiter sleep until its 120 s were spent.
        try (Connection connection = waiter.get(30, TimeUnit.SECONDS)) {
            assertThat(connection.isClosed()).isFalse();
        }
    }

    @Test
    void aBusyPoolIsWaitedOnUntilAConnectionIsReturned() throws Exception {
        bean = pool(new Switchable("busy"), 1, 60);
        Connection held = bean.getConnection();
        CompletableFuture<Connection> waiter = CompletableFuture.supplyAsync(this::borrow);
        Thread.sleep(1500);
        assertThat(waiter).isNotDone();

        held.close();
        try (Connection connection = waiter.get(30, TimeUnit.SECONDS)) {
            assertThat(connection.isClosed()).isFalse();
        }
    }

    @Test
    void aBusyPoolThatStaysBusyFailsAtTheTimeoutSayingSo() throws Exception {
        bean = pool(new Switchable("full"), 1, 2);
        try (Connection held = bean.getConnection()) {
            long start = System.nanoTime();
            assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(bean::getConnection)
                    .withMessageContaining("No connection to participant 'full' within its borrow-timeout of 2 s: every connection was in use")
                    .withMessageContaining("total=1, available=0, max=1")
                    .satisfies(e -> assertThat(e.getCause()).hasMessageStartingWith(SlicedBorrowDataSourceBean.EXHAUSTED));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("waited its borrow timeout").isGreaterThanOrEqualTo(1900);
        }
    }

    @Test
    void aDatabaseThatStaysDownFailsAtTheTimeoutSayingSo() throws Exception {
        Switchable database = new Switchable("down");
        bean = pool(database, 2, 3);
        database.down = true;
        assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(bean::getConnection)
                .withMessageContaining("within its borrow-timeout of 3 s: the database did not accept a new connection")
                .satisfies(e -> assertThat(e.getSQLState()).isEqualTo("08001"));
    }

    private Connection borrow() {
        try {
            return bean.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SlicedBorrowDataSourceBean pool(Switchable database, int maxPoolSize, int borrowTimeoutSeconds) throws SQLException {
        SlicedBorrowDataSourceBean bean = new SlicedBorrowDataSourceBean();
        bean.setUniqueResourceName(database.name);
        bean.setXaDataSource(database.dataSource);
        bean.setMinPoolSize(0);
        bean.setMaxPoolSize(maxPoolSize);
        bean.setBorrowConnectionTimeout(borrowTimeoutSeconds);
        bean.setLocalTransactionMode(true);
        bean.init();
        return bean;
    }

    /** H2's XA data source, refusing new connections while {@link #down}, as a stopped server does. */
    static final class Switchable {
        final String name;
        final XADataSource dataSource;
        volatile boolean down;

        Switchable(String name) {
            this.name = name;
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:sliced-" + name + ";DB_CLOSE_DELAY=-1");
            h2.setUser("sa");
            dataSource = (XADataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {XADataSource.class},
                    (proxy, method, args) -> {
                        if (down && method.getName().equals("getXAConnection")) {
                            throw new SQLException("Connection to " + name + " refused", "08001");
                        }
                        try {
                            return method.invoke(h2, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
