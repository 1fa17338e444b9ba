package dev.twophase.coordinator.fault;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

import javax.sql.ConnectionEventListener;
import javax.sql.StatementEventListener;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XASession;

/**
 * In-test stand-ins for a driver and a broker client that record every XA call in one shared
 * event list, so a test sees whether a fault acted before or after the participant's call.
 */
final class FakeParticipant {

    /** Every call, in order: {@code prepare}, {@code commit onePhase=false}, ... and whatever tests add, e.g. {@code halt 99}. */
    final List<String> events = new CopyOnWriteArrayList<>();

    /** A vendor interface a proxy must keep (public: a proxy keeps only public interfaces). */
    public interface VendorTuning {
        int tuning();
    }

    /** An XAResource that records calls and compares like mysql-connector-j's SuspendableXAConnection: by identity. */
    final class RecordingXAResource implements XAResource {

        int vote = XA_OK;
        XAException failure;
        Xid[] recovered = new Xid[0];

        @Override
        public int prepare(Xid xid) throws XAException {
            record("prepare");
            return vote;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            record("commit onePhase=" + onePhase);
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            record("rollback");
        }

        @Override
        public Xid[] recover(int flag) throws XAException {
            record("recover " + flag);
            return recovered;
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            record("start");
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            record("end");
        }

        @Override
        public void forget(Xid xid) throws XAException {
            record("forget");
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int getTransactionTimeout() {
            return 42;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            events.add("setTransactionTimeout " + seconds);
            return true;
        }

        private void record(String call) throws XAException {
            events.add(call);
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** A JDBC XA connection with its own XAResource. */
    final class FakeXAConnection implements XAConnection {

        final RecordingXAResource resource = new RecordingXAResource();

        @Override
        public XAResource getXAResource() {
            return resource;
        }

        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("no real database here", "08001");
        }

        @Override
        public void close() {
            events.add("close");
        }

        @Override
        public void addConnectionEventListener(ConnectionEventListener listener) {
        }

        @Override
        public void removeConnectionEventListener(ConnectionEventListener listener) {
        }

        @Override
        public void addStatementEventListener(StatementEventListener listener) {
        }

        @Override
        public void removeStatementEventListener(StatementEventListener listener) {
        }
    }

    /** A JDBC XA connection that is its own XAResource, as PostgreSQL's and MySQL's are. */
    final class SelfResourceXAConnection implements XAConnection, XAResource {

        final RecordingXAResource resource = new RecordingXAResource();

        @Override
        public XAResource getXAResource() {
            return this;
        }

        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("no real database here", "08001");
        }

        @Override
        public void close() {
        }

        @Override
        public void addConnectionEventListener(ConnectionEventListener listener) {
        }

        @Override
        public void removeConnectionEventListener(ConnectionEventListener listener) {
        }

        @Override
        public void addStatementEventListener(StatementEventListener listener) {
        }

        @Override
        public void removeStatementEventListener(StatementEventListener listener) {
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            return resource.prepare(xid);
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            resource.commit(xid, onePhase);
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            resource.rollback(xid);
        }

        @Override
        public Xid[] recover(int flag) throws XAException {
            return resource.recover(flag);
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            resource.start(xid, flags);
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            resource.end(xid, flags);
        }

        @Override
        public void forget(Xid xid) throws XAException {
            resource.forget(xid);
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int getTransactionTimeout() {
            return resource.getTransactionTimeout();
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return resource.setTransactionTimeout(seconds);
        }
    }

    /** A JDBC XA data source with a vendor interface, handing out connections that record. */
    class FakeXADataSource implements XADataSource, VendorTuning {

        final List<FakeXAConnection> connections = new CopyOnWriteArrayList<>();

        @Override
        public XAConnection getXAConnection() {
            FakeXAConnection connection = new FakeXAConnection();
            connections.add(connection);
            return connection;
        }

        @Override
        public XAConnection getXAConnection(String user, String password) {
            return getXAConnection();
        }

        @Override
        public javax.sql.XAConnectionBuilder createXAConnectionBuilder() {
            FakeXADataSource source = this;
            return new javax.sql.XAConnectionBuilder() {
                @Override
                public javax.sql.XAConnectionBuilder user(String username) {
                    return this;
                }

                @Override
                public javax.sql.XAConnectionBuilder password(String password) {
                    return this;
                }

                @Override
                public javax.sql.XAConnectionBuilder shardingKey(java.sql.ShardingKey shardingKey) {
                    return this;
                }

                @Override
                public javax.sql.XAConnectionBuilder superShardingKey(java.sql.ShardingKey superShardingKey) {
                    return this;
                }

                @Override
                public XAConnection build() {
                    return source.getXAConnection();
                }
            };
        }

        @Override
        public int tuning() {
            return 7;
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }
    }

    /**
     * A JMS XA connection factory, made of dynamic proxies (the JMS interfaces are large): every
     * XA connection, session and context leads to {@link #jmsResource}; other methods fail.
     */
    XAConnectionFactory jmsFactory(RecordingXAResource jmsResource) {
        XASession session = jms(XASession.class, (method, args) -> switch (method) {
            case "getXAResource" -> jmsResource;
            default -> null;
        });
        jakarta.jms.XAConnection connection = jms(jakarta.jms.XAConnection.class, (method, args) -> switch (method) {
            case "createXASession" -> session;
            default -> null;
        });
        XAJMSContext context = jms(XAJMSContext.class, (method, args) -> switch (method) {
            case "getXAResource" -> jmsResource;
            default -> null;
        });
        return jms(XAConnectionFactory.class, (method, args) -> switch (method) {
            case "createXAConnection" -> connection;
            case "createXAContext" -> context;
            default -> null;
        });
    }

    interface Answer {
        Object answer(String method, Object[] args);
    }

    private <T> T jms(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "fake " + type.getSimpleName();
                };
            }
            Object result = answer.answer(method.getName(), args);
            if (result == null) {
                throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
            }
            return result;
        }));
    }
}
