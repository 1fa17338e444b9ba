package dev.twophase.participants;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.xa.DelegatingXAResource;
import dev.twophase.coordinator.xa.VendorWrapper;

/**
 * Spares a pooled connection the validation round trip when it was used successfully a moment ago.
 *
 * <p>Atomikos 6 validates every connection it hands out: it runs the test query
 * ({@link JdbcParticipants#VALIDATION_QUERY}) on the physical connection, one round trip per
 * borrow, and has no setting to skip it. Here each XA connection remembers when its server last
 * answered it successfully: an XA end, prepare, commit or rollback, or a real validation. Atomikos's
 * test query within {@code window} of that is answered without touching the database. Statements
 * themselves are not watched (a proxy per statement cost more CPU than the round trip it saved on
 * a busy machine): every transaction ends with XA calls, and those show whether the server is
 * there. A connection that died within the window fails at XA start or at its first statement, in
 * a transaction that has done nothing yet: the flow retries it once on another connection (the
 * demo's {@code FlowTransactions}), and Atomikos drops the failed one. Such a failure (a
 * connection-class SQLState on the connection, any failed XA start, XAER_RMFAIL) ends the window
 * for every connection of the data source: a server restart or terminated backends kill them all,
 * and the retry must not get another dead one unvalidated.
 */
final class ValidationWindow {

    private ValidationWindow() {
    }

    /** The vendor's data source, or one whose connections skip validation within {@code window}; zero turns it off. */
    static XADataSource wrap(XADataSource vendor, Duration window, String validationQuery) {
        if (window.isZero()) {
            return vendor;
        }
        Shared shared = new Shared();
        return (XADataSource) Proxy.newProxyInstance(ValidationWindow.class.getClassLoader(),
                new Class<?>[] {XADataSource.class, VendorWrapper.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == VendorWrapper.class) {
                        return vendor;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return objectMethod(proxy, method, args, vendor);
                    }
                    Object result = call(vendor, method, args);
                    return result instanceof XAConnection xa ? xaConnection(xa, window.toNanos(), validationQuery, shared) : result;
                });
    }

    /** What the connections of one data source share: when a connection failure last ended every window. */
    static final class Shared {
        /** System.nanoTime of the last connection failure; marks set before it do not count. */
        final AtomicLong invalidatedAt = new AtomicLong(System.nanoTime());

        void invalidate() {
            invalidatedAt.set(System.nanoTime());
        }
    }

    /** When one XA connection's server last answered it successfully (System.nanoTime), 0 when never or after a failure. */
    static final class Mark {
        private final AtomicLong lastSuccess = new AtomicLong();
        private final Shared shared;

        Mark(Shared shared) {
            this.shared = shared;
        }

        void succeeded() {
            lastSuccess.set(System.nanoTime());
        }

        /** A failure of this connection; a connection-class one ends the window of every connection of the data source. */
        void failed(boolean connectionGone) {
            lastSuccess.set(0);
            if (connectionGone) {
                shared.invalidate();
            }
        }

        boolean recent(long windowNanos) {
            long last = lastSuccess.get();
            return last != 0 && last - shared.invalidatedAt.get() > 0 && System.nanoTime() - last < windowNanos;
        }
    }

    private static XAConnection xaConnection(XAConnection vendor, long windowNanos, String validationQuery, Shared shared) {
        Mark mark = new Mark(shared);
        // One watch per vendor resource: Atomikos and the XA chain compare resources by identity.
        java.util.concurrent.atomic.AtomicReference<FailureWatch> watch = new java.util.concurrent.atomic.AtomicReference<>();
        return (XAConnection) Proxy.newProxyInstance(ValidationWindow.class.getClassLoader(),
                new Class<?>[] {XAConnection.class, VendorWrapper.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == VendorWrapper.class) {
                        return vendor;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return objectMethod(proxy, method, args, vendor);
                    }
                    Object result = call(vendor, method, args);
                    if (method.getName().equals("getConnection") && result instanceof Connection c) {
                        return new Physical(c, windowNanos, validationQuery, mark).proxy();
                    }
                    if (result instanceof XAResource resource) {
                        FailureWatch current = watch.get();
                        if (current == null || current.delegate() != resource) {
                            current = new FailureWatch(resource, mark);
                            watch.set(current);
                        }
                        return current;
                    }
                    return result;
                });
    }

    /**
     * The vendor's XAResource: a successful end, prepare, commit or rollback marks its connection;
     * a failed start or XAER_RMFAIL (the resource manager is gone) ends every window of its data source.
     */
    static final class FailureWatch extends DelegatingXAResource {
        private final Mark mark;

        FailureWatch(XAResource delegate, Mark mark) {
            super(delegate);
            this.mark = mark;
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            try {
                super.start(xid, flags);
            } catch (XAException | RuntimeException e) {
                // Any failed start: pgjdbc and MySQL report a dead connection here in several ways.
                mark.failed(true);
                throw e;
            }
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            watched(() -> super.end(xid, flags));
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            int[] vote = new int[1];
            watched(() -> vote[0] = super.prepare(xid));
            return vote[0];
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            watched(() -> super.commit(xid, onePhase));
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            watched(() -> super.rollback(xid));
        }

        private interface XaCall {
            void run() throws XAException;
        }

        private void watched(XaCall call) throws XAException {
            try {
                call.run();
            } catch (XAException e) {
                if (e.errorCode == XAException.XAER_RMFAIL) {
                    mark.failed(true);
                }
                throw e;
            }
            mark.succeeded();
        }
    }

    /** The physical connection: answers the test query within the window, and marks its connection when a real one succeeds. */
    static final class Physical implements InvocationHandler {
        private final Connection connection;
        private final long windowNanos;
        private final String validationQuery;
        private final Mark mark;

        Physical(Connection connection, long windowNanos, String validationQuery, Mark mark) {
            this.connection = connection;
            this.windowNanos = windowNanos;
            this.validationQuery = validationQuery;
            this.mark = mark;
        }

        Connection proxy() {
            return (Connection) Proxy.newProxyInstance(ValidationWindow.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args, connection);
            }
            boolean validation = args != null && args.length == 1 && method.getName().equals("prepareStatement")
                    && validationQuery.equals(args[0]);
            if (validation && mark.recent(windowNanos)) {
                return answered();
            }
            Object result;
            try {
                result = call(connection, method, args);
            } catch (SQLException e) {
                failed(e);
                throw e;
            }
            return validation ? validated((PreparedStatement) result) : result;
        }

        private void failed(SQLException e) {
            String state = e.getSQLState();
            mark.failed(e instanceof java.sql.SQLRecoverableException || e instanceof java.sql.SQLNonTransientConnectionException
                    || (state != null && (state.startsWith("08") || state.startsWith("57P"))));
        }

        /** The real validation statement: its successful execution marks the connection, a failure clears the mark. */
        private PreparedStatement validated(PreparedStatement statement) {
            return (PreparedStatement) Proxy.newProxyInstance(ValidationWindow.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                        if (m.getDeclaringClass() == Object.class) {
                            // Atomikos keeps its statements in a list and removes them with equals on close.
                            return objectMethod(p, m, a, statement);
                        }
                        try {
                            Object r = call(statement, m, a);
                            if (m.getName().startsWith("execute")) {
                                mark.succeeded();
                            }
                            return r;
                        } catch (SQLException e) {
                            failed(e);
                            throw e;
                        }
                    });
        }

        /** What Atomikos's test does with its statement (setQueryTimeout, execute, close), answered locally. */
        private static PreparedStatement answered() {
            return (PreparedStatement) Proxy.newProxyInstance(ValidationWindow.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (p, m, a) -> switch (m.getName()) {
                        case "execute" -> true;
                        case "setQueryTimeout", "close" -> null;
                        case "isClosed" -> false;
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == a[0];
                        case "toString" -> "validation answered within the window";
                        default -> throw new SQLException("the skipped validation statement supports execute only, not " + m.getName());
                    });
        }
    }

    /** equals by identity of the proxy, hashCode and toString of the wrapped object. */
    private static Object objectMethod(Object proxy, Method method, Object[] args, Object target) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> target.toString();
        };
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
