package dev.twophase.coordinator.xa;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Which connection's XAResource prepared each branch this process has prepared and not yet seen
 * finished. MariaDB lets no other connection commit or roll back a prepared branch while the one
 * that prepared it lives: any other answers {@code XAER_NOTA} although {@code XA RECOVER} lists the
 * branch. Atomikos hands such a connection back to its pool when it gives up on a transaction whose
 * commit decision could not be logged, and it may sit there for minutes. Recovery then finishes the
 * branch through its owner ({@code BranchResolver.finish}).
 *
 * <p>Bounded (some entries are dropped beyond it); an entry only saves time, never decides an outcome.
 */
public final class PreparedBranches {

    private static final int CAPACITY = 10_000;

    /** Concurrent, since every prepare and commit of every participant passes here. */
    private static final Map<XidText.Key, XAResource> OWNERS = new ConcurrentHashMap<>();

    private PreparedBranches() {
    }

    /**
     * Marks an XAResource whose prepared branches stay tied to its connection, as MySQL's and MariaDB's
     * connectors' are (recognised by their class names without it).
     */
    public interface ConnectionBound {
    }

    /** The XAResource (the whole chain) of the connection that prepared this branch, or null. */
    public static XAResource owner(Xid xid) {
        if (xid == null) {
            return null;
        }
        return OWNERS.get(XidText.key(xid));
    }

    /** The branch is finished, or its owner can no longer finish it. */
    public static void finished(Xid xid) {
        if (xid == null) {
            return;
        }
        OWNERS.remove(XidText.key(xid));
    }

    static void prepared(Xid xid, XAResource owner) {
        if (xid == null) {
            return;
        }
        OWNERS.put(XidText.key(xid), owner);
        if (OWNERS.size() > CAPACITY) {
            // Branches finished where nobody told us (another process, an operator): drop some, any.
            Iterator<XidText.Key> keys = OWNERS.keySet().iterator();
            for (int i = 0; i < CAPACITY / 10 && keys.hasNext(); i++) {
                keys.next();
                keys.remove();
            }
        }
    }

    /**
     * The innermost link of a chain whose vendor resource ties prepared branches to its connection, or null
     * for any other (PostgreSQL, the broker): their chains go without the link.
     */
    static Recorder recorder(XAResource vendor) {
        XAResource own = DelegatingXAResource.unwrap(vendor);
        String type = own.getClass().getName();
        // PostgreSQL's prepared branches belong to no connection, and its driver would end the connection's
        // current transaction to run an XA command for another branch; MySQL's and MariaDB's refuse it harmlessly.
        boolean connectionBound = own instanceof ConnectionBound || type.startsWith("com.mysql.") || type.startsWith("org.mariadb.");
        return connectionBound ? new Recorder(vendor) : null;
    }

    /** Records a branch's owner when it prepares, forgets it when it is finished. */
    static final class Recorder extends DelegatingXAResource {

        /** The chain's outermost resource, set once the chain is built: what recovery calls. */
        private volatile XAResource outermost = this;

        private Recorder(XAResource vendor) {
            super(vendor);
        }

        void chained(XAResource outermost) {
            this.outermost = outermost;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            int vote = super.prepare(xid);
            if (vote == XA_OK) {
                prepared(xid, outermost);
            }
            return vote;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            super.commit(xid, onePhase);
            if (!onePhase) {
                finished(xid);
            }
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            super.rollback(xid);
            finished(xid);
        }
    }
}
