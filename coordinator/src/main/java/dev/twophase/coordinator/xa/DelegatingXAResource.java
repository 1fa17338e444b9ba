package dev.twophase.coordinator.xa;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An {@link XAResource} decorator: every call goes to the participant's resource unless a
 * subclass overrides it. {@link #isSameRM} compares the resources underneath all decorators
 * ({@link #unwrap}), since drivers compare by type or identity (mysql-connector-j's
 * {@code SuspendableXAConnection.isSameRM} is {@code other == this}) and must never see a
 * decorator.
 *
 * <p>A concrete class rather than a dynamic proxy: Atomikos
 * ({@code XATransactionalResource.usesXAResource}) compares XAResources by class name before
 * asking {@code isSameRM}, and only the {@code XAResource} interface is ever used on them.
 */
public abstract class DelegatingXAResource implements XAResource {

    private final XAResource delegate;

    protected DelegatingXAResource(XAResource delegate) {
        this.delegate = delegate;
    }

    /** The resource this one decorates (possibly another decorator). */
    public final XAResource delegate() {
        return delegate;
    }

    /** The participant's own resource under every {@link DelegatingXAResource}, or the argument itself. */
    public static XAResource unwrap(XAResource resource) {
        XAResource current = resource;
        while (current instanceof DelegatingXAResource decorator) {
            current = decorator.delegate;
        }
        return current;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        delegate.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return delegate.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        delegate.commit(xid, onePhase);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        delegate.rollback(xid);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        delegate.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return delegate.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        return unwrap(delegate).isSameRM(unwrap(other));
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return delegate.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return delegate.setTransactionTimeout(seconds);
    }
}
