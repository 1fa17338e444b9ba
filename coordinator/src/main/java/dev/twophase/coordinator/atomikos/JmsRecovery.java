package dev.twophase.coordinator.atomikos;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.datasource.ResourceException;
import com.atomikos.datasource.xa.jms.JmsTransactionalResource;
import com.atomikos.icatch.config.Configuration;

import jakarta.jms.XAConnectionFactory;

/**
 * Registers a JMS XA connection factory with Atomikos for recovery and enlistment, for a pool that
 * is not Atomikos's own (pooled-jms). Atomikos enlists an XAResource only when a registered
 * resource {@code usesXAResource} it (same class, {@code isSameRM}), and recovers a resource's
 * branches through that registration: {@code com.atomikos.datasource.xa.jms.JmsTransactionalResource},
 * what Atomikos's own JMS pool registers, over the same factory. Not documented Atomikos API.
 */
public final class JmsRecovery {

    static final List<String> CLASSES = List.of(JmsTransactionalResource.class.getName());
    private static final Logger LOG = LoggerFactory.getLogger(JmsRecovery.class);

    private JmsRecovery() {
    }

    /**
     * Registers {@code factory} under the participant's unique resource name (the name in the
     * recovery log); the returned action removes the registration and closes its recovery connection.
     */
    public static Runnable register(String participant, XAConnectionFactory factory) {
        JmsTransactionalResource resource = new JmsTransactionalResource(participant, factory);
        Configuration.addResource(resource);
        return () -> {
            Configuration.removeResource(participant);
            try {
                resource.close();
            } catch (ResourceException e) {
                LOG.warn("Closing the recovery connection of {} failed: {}", participant, e.getMessage());
            }
        };
    }
}
