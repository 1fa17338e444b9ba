package dev.twophase.participants;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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
 * borrow, and has no setting to skip it. Here the physical connection remembers when a statement
 * last completed on it (or the last real validation succeeded); Atomikos's test query within
 * {@code window} of that is answered without touching the database. A statement that fails clears
 * the mark, so the next borrow validates for real. A connection that died within the window fails
 * at XA start or at its first statement, in a transaction that has done nothing yet: the flow
 * retries it once on another connection (the demo's {@code FlowTransactions}), and Atomikos drops
 * the failed one. Such a failure (a connection-class SQLState, any failed XA start, XAER_RMFAIL)
 * also ends the window for every connection of the data source: a server restart or terminated
 * backends kill them all, and the retry must not get another dead one unvalidated.
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

    private static XAConnection xaConnection(XAConnection vendor, long windowNanos, String validationQuery, Shared shared) {
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
                        return new Physical(c, windowNanos, validationQuery, shared).proxy();
                    }
                    if (result instanceof XAResource resource) {
                        FailureWatch current = watch.get();
                        if (current == null || current.delegate() != resource) {
                            current = new FailureWatch(resource, shared);
                            watch.set(current);
                        }
                        return current;
                    }
                    return result;
                });
    }

    /** The vendor's XAResource, ending every window of its data source when a call shows the connection is gone. */
    static final class FailureWatch extends DelegatingXAResource {
        private final Shared shared;

        FailureWatch(XAResource delegate, Shared shared) {
            super(delegate);
            this.shared = shared;
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            try {
                super.start(xid, flags);
            } catch (XAException | RuntimeException e) {
                // Any failed start: pgjdbc and MySQL report a dead connection here in several ways.
                shared.invalidate();
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

        /** Runs the call; XAER_RMFAIL (the resource manager is gone) ends every window of the data source. */
        private void watched(XaCall call) throws XAException {
            try {
                call.run();
            } catch (XAException e) {
                if (e.errorCode == XAException.XAER_RMFAIL) {
                    shared.invalidate();
                }
                throw e;
            }
        }
    }

    /** The physical connection: tracks its last success and answers a test query within the window. */
    static final class Physical implements InvocationHandler {
        private final Connection connection;
        private final long windowNanos;
        private final String validationQuery;
        /** System.nanoTime of the last statement that completed, 0 when none or the last one failed. */
        private final AtomicLong lastSuccess = new AtomicLong();

        private final Shared shared;

        Physical(Connection connection, long windowNanos, String validationQuery, Shared shared) {
            this.connection = connection;
            this.windowNanos = windowNanos;
            this.validationQuery = validationQuery;
            this.shared = shared;
        }

        private void failed(SQLException e) {
            lastSuccess.set(0);
            String state = e.getSQLState();
            if (e instanceof java.sql.SQLRecoverableException || e instanceof java.sql.SQLNonTransientConnectionException
                    || (state != null && (state.startsWith("08") || state.startsWith("57P")))) {
                shared.invalidate();
            }
        }

        Connection proxy() {
            return (Connection) Proxy.newProxyInstance(ValidationWindow.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args, connection);
            }
            String name = method.getName();
            if (name.equals("prepareStatement") && args != null && args.length == 1 && validationQuery.equals(args[0]) && recent()) {
                return answered();
            }
            Object result;
            try {
                result = call(connection, method, args);
            } catch (SQLException e) {
                failed(e);
                throw e;
            }
            if (result instanceof Statement statement) {
                return tracked(statement, method.getReturnType());
            }
            return result;
        }

        private boolean recent() {
            long last = lastSuccess.get();
            return last != 0 && last - shared.invalidatedAt.get() > 0 && System.nanoTime() - last < windowNanos;
        }

        /** A statement whose executions mark the connection: success sets the mark, an SQLException clears it. */
        private Object tracked(Statement statement, Class<?> type) {
            Class<?> iface = type.isInterface() ? type : Statement.class;
            return Proxy.newProxyInstance(ValidationWindow.class.getClassLoader(), new Class<?>[] {iface}, (p, m, a) -> {
                if (m.getDeclaringClass() == Object.class) {
                    // Atomikos keeps its statements in a list and removes them with equals on close.
                    return objectMethod(p, m, a, statement);
                }
                try {
                    Object r = call(statement, m, a);
                    if (m.getName().startsWith("execute")) {
                        lastSuccess.set(System.nanoTime());
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
