package dev.twophase.coordinator.atomikos;

import java.lang.reflect.Method;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.datasource.xa.XATransactionalResource;

/**
 * Makes Atomikos replace a participant's recovery connection after a scan failed with it.
 *
 * <p>Atomikos's commit retry ({@code XAResourceTransaction.forceRefreshXAConnection}, after a
 * phase-2 failure) makes the resource open a new recovery connection and close the old one, but
 * {@code getXAResource()} keeps returning the old XAResource, and its liveness test ({@code isSameRM}
 * on itself) does not notice a closed MySQL connection. Atomikos replaces it only when its own
 * recovery pass fails ({@code recovery_delay} later). The replacing method is private, hence the
 * reflection, checked at startup by {@link AtomikosInternals#verify()}.
 */
public final class RecoveryConnections {

    static final String METHOD = "refreshXAResource";

    private static final Logger log = LoggerFactory.getLogger(RecoveryConnections.class);

    private RecoveryConnections() {
    }

    /**
     * Replaces the resource's recovery XAResource, under the resource's own monitor as Atomikos does.
     *
     * @return whether it was replaced; {@code false} (with a WARN line) when the call failed
     */
    public static boolean refresh(XATransactionalResource resource) {
        try {
            Method refresh = XATransactionalResource.class.getDeclaredMethod(METHOD);
            refresh.setAccessible(true);
            synchronized (resource) {
                refresh.invoke(resource);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Cannot make Atomikos renew the recovery connection of {}: {}", resource.getName(), e.toString());
            return false;
        }
    }
}
