package dev.twophase.coordinator.xa;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.sql.ConnectionEventListener;
import javax.sql.StatementEventListener;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import dev.twophase.coordinator.log.LastResource;

/**
 * The XA data source of the participant that runs as the logging last resource
 * ({@link LastResource}): its branches are real XA branches of the database, but never prepared.
 * Each branch inserts its transaction's commit record when it starts, votes yes at prepare without
 * reaching the database, and is committed in one phase at the decision point, when the coordinator
 * logs COMMITTING; its second-phase commit then does nothing. A branch this process did not start
 * here (one prepared before the last resource was switched on, found by recovery) is committed and
 * rolled back as usual.
 *
 * <p>Sits under every link of the {@link XaResourceChain}, right above the vendor's resource, and
 * learns the chain's outermost resource ({@link Resource#chained}) so that the decision's one-phase
 * commit passes the guard, the timers, the fault points and the timeline like any other commit.
 */
final class LastResourceXADataSource implements XADataSource, VendorWrapper {

    private final String participant;
    private final XADataSource vendor;

    LastResourceXADataSource(String participant, XADataSource vendor) {
        this.participant = participant;
        this.vendor = vendor;
    }

    @Override
    public XAConnection getXAConnection() throws SQLException {
        return new LastResourceConnection(participant, vendor.getXAConnection());
    }

    @Override
    public XAConnection getXAConnection(String user, String password) throws SQLException {
        return new LastResourceConnection(participant, vendor.getXAConnection(user, password));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return vendor.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        vendor.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        vendor.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return vendor.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return vendor.getParentLogger();
    }

    /** The vendor's data source, for {@link XaResourceChain#unwrap}. */
    @Override
    public Object vendor() {
        return vendor;
    }

    /** One pooled connection: remembers the logical connection its pool works on, to insert the commit record in the branch. */
    static final class LastResourceConnection implements XAConnection {

        private final String participant;
        private final XAConnection vendor;
        private volatile Connection logical;
        private Resource resource;

        LastResourceConnection(String participant, XAConnection vendor) {
            this.participant = participant;
            this.vendor = vendor;
        }

        @Override
        public synchronized XAResource getXAResource() throws SQLException {
            XAResource own = vendor.getXAResource();
            if (resource == null || resource.delegate() != own) {
                resource = new Resource(participant, own, this);
            }
            return resource;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = vendor.getConnection();
            logical = c;
            return c;
        }

        Connection logical() throws SQLException {
            Connection c = logical;
            if (c == null || c.isClosed()) {
                c = getConnection();
            }
            return c;
        }

        @Override
        public void close() throws SQLException {
            vendor.close();
        }

        @Override
        public void addConnectionEventListener(ConnectionEventListener listener) {
            vendor.addConnectionEventListener(listener);
        }

        @Override
        public void removeConnectionEventListener(ConnectionEventListener listener) {
            vendor.removeConnectionEventListener(listener);
        }

        @Override
        public void addStatementEventListener(StatementEventListener listener) {
            vendor.addStatementEventListener(listener);
        }

        @Override
        public void removeStatementEventListener(StatementEventListener listener) {
            vendor.removeStatementEventListener(listener);
        }
    }

    /**
     * The last resource's XAResource, innermost of the chain. A successful {@code end} is held back
     * until the branch's outcome is known: at prepare (so two-phase) the branch, still associated with
     * its connection, inserts its commit record and only then ends; a transaction whose only branch this
     * is commits in one phase without any record. So the record costs nothing where it is not needed.
     */
    static final class Resource extends DelegatingXAResource {

        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LastResourceXADataSource.class);

        private enum State { ACTIVE, VOTED, COMMITTED, ROLLED_BACK }

        private final String participant;
        private final LastResourceConnection connection;
        private final Map<XidText.Key, Branch> branches = new ConcurrentHashMap<>();
        /** The chain's outermost resource for this one: what the decision's commit goes through. */
        private volatile XAResource outermost = this;

        Resource(String participant, XAResource vendor, LastResourceConnection connection) {
            super(vendor);
            this.participant = participant;
            this.connection = connection;
        }

        /** Told by the chain once it has decorated this resource. */
        void chained(XAResource outermost) {
            this.outermost = outermost;
        }

        private final class Branch implements LastResource.Branch {
            final Xid xid;
            final String gtrid;
            volatile State state = State.ACTIVE;
            /** Ended with success as far as Atomikos knows; the database's branch is still associated. */
            volatile boolean endHeld;
            volatile LastResource lastResource;

            Branch(Xid xid) {
                this.xid = xid;
                this.gtrid = XidText.gtrid(xid);
            }

            @Override
            public Xid xid() {
                return xid;
            }

            @Override
            public void commitOnePhase() throws XAException {
                outermost.commit(xid, true);
            }

            @Override
            public void committed() {
                state = State.COMMITTED;
            }

            @Override
            public void rolledBack() {
                state = State.ROLLED_BACK;
            }

            @Override
            public boolean abandon() {
                try {
                    // The vendor's own resource: a rollback of the open branch on this connection. Drivers refuse it
                    // (PostgreSQL: no such prepared transaction) once the commit reached the database.
                    delegate().rollback(xid);
                    state = State.ROLLED_BACK;
                    return true;
                } catch (XAException | RuntimeException e) {
                    return false;
                }
            }

            /** Ends the database's branch if its end was held back. */
            void endNow(int flags) throws XAException {
                if (endHeld) {
                    endHeld = false;
                    delegate().end(xid, flags);
                }
            }
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            Branch branch = branches.get(XidText.key(xid));
            if (branch != null && branch.endHeld && (flags & TMJOIN) != 0) {
                // Atomikos joins the branch it ended: the database never saw that end.
                branch.endHeld = false;
                return;
            }
            super.start(xid, flags);
            if (flags == TMNOFLAGS) {
                branches.put(XidText.key(xid), new Branch(xid));
            }
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            Branch branch = branches.get(XidText.key(xid));
            if (branch != null && flags == TMSUCCESS && branch.state == State.ACTIVE) {
                branch.endHeld = true;
                return;
            }
            super.end(xid, flags);
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            Branch branch = branches.get(XidText.key(xid));
            if (branch == null) {
                return super.prepare(xid);
            }
            // Not prepared: this branch's one-phase commit will be the transaction's decision. Its commit record
            // goes into the branch first, while the branch is still associated with its connection.
            LastResource lastResource = LastResource.current();
            try {
                if (lastResource == null || !participant.equals(lastResource.participant())) {
                    throw new IllegalStateException("participant " + participant
                            + " is wired as the last resource, but the coordinator has none configured");
                }
                if (branch.endHeld) {
                    try (PreparedStatement insert = connection.logical().prepareStatement(LastResource.insertSql())) {
                        insert.setString(1, branch.gtrid);
                        insert.setString(2, lastResource.tmName());
                        insert.executeUpdate();
                    }
                } else {
                    throw new IllegalStateException("the branch was ended before the commit record could be inserted");
                }
                lastResource.enlisted(branch.gtrid, branch);
                branch.lastResource = lastResource;
            } catch (SQLException | RuntimeException e) {
                voteNo(branch, e);
            }
            branch.endNow(TMSUCCESS);
            branch.state = State.VOTED;
            return XA_OK;
        }

        /** The commit record could not be inserted: the branch rolls back and votes no. */
        private void voteNo(Branch branch, Exception cause) throws XAException {
            try {
                branch.endNow(TMFAIL);
            } catch (XAException ignored) {
                // Rolled back next in any case.
            }
            try {
                delegate().rollback(branch.xid);
            } catch (XAException ignored) {
                // The database rolls an unprepared branch back with its connection anyway.
            }
            // Rolled back for certain: Atomikos's rollback that follows must not reach a connection that may be dead
            // (a database going down), whose failure it would report as a heuristic hazard of a transaction that is not.
            branch.state = State.ROLLED_BACK;
            LOG.warn("The last resource {} could not record transaction {}; it votes no: {}", participant, branch.gtrid, cause.toString());
            XAException e = new XAException("the last resource " + participant + " could not record the transaction: " + cause.getMessage());
            e.errorCode = XAException.XA_RBOTHER;
            e.initCause(cause);
            throw e;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            XidText.Key key = XidText.key(xid);
            Branch branch = branches.get(key);
            if (branch == null) {
                super.commit(xid, onePhase);
                return;
            }
            if (branch.state == State.COMMITTED) {
                // The second phase after the decision: committed already.
                forget(key, branch, false);
                return;
            }
            if (!onePhase) {
                // Only possible if a COMMITTING record was written without this branch's decision: commit it
                // now, in one phase, rather than lose its work, and say so.
                LOG.warn("The last resource {} was asked to commit {} in the second phase without the decision's commit;"
                        + " committing it in one phase now", participant, XidText.of(xid));
            }
            branch.endNow(TMSUCCESS);
            super.commit(xid, true);
            if (onePhase && LastResource.deciding(branch.gtrid)) {
                // The decision: the second-phase commit follows.
                branch.state = State.COMMITTED;
                return;
            }
            // Atomikos's one-phase commit of a transaction whose only branch this is.
            forget(key, branch, false);
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            XidText.Key key = XidText.key(xid);
            Branch branch = branches.get(key);
            try {
                if (branch == null || branch.state != State.ROLLED_BACK) {
                    if (branch != null) {
                        try {
                            branch.endNow(TMFAIL);
                        } catch (XAException ignored) {
                            // The rollback below is what counts.
                        }
                    }
                    super.rollback(xid);
                }
            } finally {
                if (branch != null) {
                    forget(key, branch, true);
                }
            }
        }

        private void forget(XidText.Key key, Branch branch, boolean rolledBack) {
            branches.remove(key, branch);
            if (branch.lastResource != null) {
                branch.lastResource.delisted(branch.gtrid, branch, rolledBack);
            }
        }
    }
}
