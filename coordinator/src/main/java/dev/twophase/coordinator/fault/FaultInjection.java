package dev.twophase.coordinator.fault;

import java.util.Objects;

import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;

import jakarta.jms.XAConnectionFactory;

import dev.twophase.coordinator.xa.DelegatingXAResource;

/**
 * Wraps a participant's XA data source or XA connection factory so that every XA call on it
 * passes the {@link FaultInjector}. Wrap the vendor object you hand to Atomikos, with the same
 * name as the Atomikos unique resource name; the twophase participants do this for every
 * participant.
 *
 * <p>The wrappers are dynamic proxies implementing every public interface of the vendor object,
 * so vendor interfaces still work; only the methods leading to an {@link XAResource}
 * ({@code getXAConnection}, {@code createXAConnection}, {@code createXAContext},
 * {@code createXASession}, {@code getXAResource}, their queue and topic variants, and JDBC's
 * {@code createXAConnectionBuilder}) return wrappers. While nothing is armed a wrapped participant
 * behaves exactly like the unwrapped one: same results, same exceptions, one volatile read more
 * per crash point passed. Casting a wrapper to the
 * vendor's <em>class</em> fails; use {@link #unwrap} for that.
 */
public final class FaultInjection {

    private FaultInjection() {
    }

    /**
     * @param participant the Atomikos unique resource name of the participant, e.g. {@code bankA}
     * @param dataSource  the driver's XA data source
     * @return a wrapper consulting {@link FaultInjector#instance()}
     * @throws IllegalArgumentException when the data source is already wrapped
     */
    public static XADataSource wrap(String participant, XADataSource dataSource) {
        return wrap(participant, dataSource, FaultInjector.instance());
    }

    /**
     * @param participant       the Atomikos unique resource name of the participant, e.g. {@code broker}
     * @param connectionFactory the broker client's XA connection factory
     * @return a wrapper consulting {@link FaultInjector#instance()}
     * @throws IllegalArgumentException when the factory is already wrapped
     */
    public static XAConnectionFactory wrap(String participant, XAConnectionFactory connectionFactory) {
        return wrap(participant, connectionFactory, FaultInjector.instance());
    }

    /**
     * The vendor object behind a wrapper made here (a data source, connection factory, connection,
     * session, context or XAResource), or {@code object} itself when it is not such a wrapper.
     */
    @SuppressWarnings("unchecked")
    public static <T> T unwrap(T object) {
        if (object instanceof DelegatingXAResource resource) {
            return (T) DelegatingXAResource.unwrap(resource);
        }
        Object delegate = FaultInjectingHandler.delegateOf(object);
        return delegate == null ? object : (T) delegate;
    }

    static XADataSource wrap(String participant, XADataSource dataSource, FaultInjector injector) {
        return FaultInjectingHandler.proxy(XADataSource.class, checked(participant), Objects.requireNonNull(dataSource, "dataSource"), injector);
    }

    static XAConnectionFactory wrap(String participant, XAConnectionFactory connectionFactory, FaultInjector injector) {
        return FaultInjectingHandler.proxy(XAConnectionFactory.class, checked(participant),
                Objects.requireNonNull(connectionFactory, "connectionFactory"), injector);
    }

    private static String checked(String participant) {
        if (participant == null || participant.isBlank()) {
            throw new IllegalArgumentException("the participant's unique resource name is required, e.g. bankA;"
                    + " fault rules select participants by it");
        }
        return participant;
    }
}
