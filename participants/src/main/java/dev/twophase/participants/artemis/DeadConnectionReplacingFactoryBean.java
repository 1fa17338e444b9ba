package dev.twophase.participants.artemis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.jms.AtomikosConnectionFactoryBean;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

/**
 * The Atomikos JMS pool, made to answer a borrow of a closed connection with a JMS exception
 * instead of a {@code NullPointerException}.
 *
 * <p>When the broker connection is lost, {@link PoolRefreshingXAConnectionFactory} makes the pool
 * close its idle connections. A request that claimed one of them a moment before gets a proxy of a
 * connection that has just been closed: Atomikos 6 then fails inside its pool with
 * {@code NullPointerException: Cannot invoke "Object.getClass()" because "this.delegate" is null}
 * at {@code AtomikosJmsConnectionProxy.newInstance}, which no caller expects. The closed connection
 * has left the pool by then, so this borrows once more; if that fails too, the caller gets a
 * {@link jakarta.jms.IllegalStateException}, the JMS way of saying "the connection is closed",
 * which Spring turns into a {@code JmsException} and the transaction into a rollback.
 */
final class DeadConnectionReplacingFactoryBean extends AtomikosConnectionFactoryBean {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DeadConnectionReplacingFactoryBean.class);

    @Override
    public Connection createConnection() throws JMSException {
        try {
            return super.createConnection();
        } catch (RuntimeException first) {
            log.info("The JMS pool of {} handed out a connection that was closed under it ({}); borrowing another",
                    getUniqueResourceName(), first.toString());
            try {
                return super.createConnection();
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                jakarta.jms.IllegalStateException closed = new jakarta.jms.IllegalStateException(
                        "the pooled connection to the broker of " + getUniqueResourceName() + " was closed");
                closed.setLinkedException(second);
                closed.initCause(second);
                throw closed;
            }
        }
    }
}
