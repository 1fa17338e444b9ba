package dev.twophase.participants;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import com.atomikos.jdbc.AtomikosDataSourceBean;

/**
 * Atomikos's pooled XA data source, whose borrow notices a database that came back.
 *
 * <p>Atomikos's pool, finding no free connection, tries once to open one and then waits for a
 * connection to be returned. When the database was down at that try, nothing wakes the waiter once it
 * is up again: the request waits out the whole borrow timeout (seen in the crash suite: PostgreSQL
 * back for 14 s, its transaction long timed out, the request still waiting, its broker message held).
 * Here, while the pool could still grow (so the wait is for a database, not for a busy pool), the wait
 * is cut into slices of {@link #SLICE_SECONDS}: after each the borrow tries again to open a
 * connection. A pool that is only busy (every connection in use) is waited on, after its first slice,
 * in one piece, since a returned connection does wake the waiter.
 *
 * <p>Relies on two things Atomikos 6 does (checked by {@code SlicedBorrowDataSourceBeanTest}): the pool
 * reads {@link #getBorrowConnectionTimeout()} on the borrowing thread at each borrow, and a borrow that
 * times out says "Connection pool exhausted".
 */
final class SlicedBorrowDataSourceBean extends AtomikosDataSourceBean {

    private static final long serialVersionUID = 1L;

    /** How long one try waits while the database does not answer: what a recovered database may cost a waiter. */
    static final int SLICE_SECONDS = 1;

    /** The start of the message of Atomikos's error for a borrow that timed out. */
    static final String EXHAUSTED = "Connection pool exhausted";

    /** The borrow timeout of the current try on this thread, when it is a slice of the configured one. */
    private final transient ThreadLocal<Integer> slice = new ThreadLocal<>();

    @Override
    public int getBorrowConnectionTimeout() {
        Integer seconds = slice.get();
        return seconds != null ? seconds : super.getBorrowConnectionTimeout();
    }

    @Override
    public Connection getConnection() throws SQLException {
        int timeout = super.getBorrowConnectionTimeout();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
        // The first try is a slice too: a free connection is handed out at once whatever the timeout, and the
        // pool's size (read under the pool's lock) is asked only once a try has timed out, off the common path.
        boolean sliced = true;
        while (true) {
            // Atomikos counts in whole seconds: a try gets at least one.
            int left = (int) Math.max(1, Math.ceil((deadline - System.nanoTime()) / 1e9));
            int seconds = sliced ? Math.min(SLICE_SECONDS, left) : left;
            slice.set(seconds);
            try {
                return super.getConnection();
            } catch (SQLException e) {
                if (!timedOut(e)) {
                    throw e;
                }
                if (seconds >= left || deadline - System.nanoTime() <= 0) {
                    throw exhausted(timeout, e);
                }
            } finally {
                slice.remove();
            }
            sliced = waitingForTheDatabase();
        }
    }

    private static boolean timedOut(SQLException e) {
        return e.getMessage() != null && e.getMessage().startsWith(EXHAUSTED);
    }

    /** Atomikos's error with what the pool looked like, and the fix (its own message names only the pool's sizes). */
    private SQLException exhausted(int timeout, SQLException e) {
        int total = sizeOrZero(() -> poolTotalSize());
        boolean databaseDown = total < getMaxPoolSize();
        String why = databaseDown ? "the database did not accept a new connection" : "every connection was in use";
        return new SQLTransientConnectionException("No connection to participant '" + getUniqueResourceName() + "' within its borrow-timeout of "
                + timeout + " s: " + why + " (total=" + total + ", available=" + sizeOrZero(() -> poolAvailableSize()) + ", max=" + getMaxPoolSize()
                + "). Check the database, or raise the participant's max-pool-size or borrow-timeout.", databaseDown ? "08001" : null, e);
    }

    /** The pool could still grow, so its last try to open a connection failed: the wait is for the database. */
    private boolean waitingForTheDatabase() {
        return sizeOrZero(() -> poolTotalSize()) < getMaxPoolSize();
    }

    /**
     * A size of the pool, or 0 before it started. Called through lambdas, not method references: a reference
     * would name the method's declaring class, Atomikos's internal {@code AbstractDataSourceBean}.
     */
    private static int sizeOrZero(IntSupplier size) {
        try {
            return size.getAsInt();
        } catch (RuntimeException notStarted) {
            return 0;
        }
    }
}
