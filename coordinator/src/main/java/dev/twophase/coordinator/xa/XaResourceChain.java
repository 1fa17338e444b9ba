package dev.twophase.coordinator.xa;

import javax.sql.XADataSource;

import jakarta.jms.XAConnectionFactory;

import dev.twophase.coordinator.fault.FaultInjection;

/**
 * Decorates a participant's vendor XA factory (a JDBC {@code XADataSource} or a JMS
 * {@code XAConnectionFactory}) so that every {@code XAResource} it hands out passes twophase's XA
 * chain before Atomikos sees it: the heuristic guard, the phase timers, and, when enabled, fault
 * injection. Participants call it once per participant, with the participant's unique resource name,
 * before handing the factory to an Atomikos pool.
 *
 * <p>A bean of the coordinator's auto-configuration; define your own bean of this type to change it.
 */
public class XaResourceChain {

    /** The participant's data source with every XAResource it hands out decorated. */
    public XADataSource wrap(String participant, XADataSource vendor) {
        return FaultInjection.wrap(participant, vendor);
    }

    /** The participant's connection factory with every XAResource it hands out decorated. */
    public XAConnectionFactory wrap(String participant, XAConnectionFactory vendor) {
        return FaultInjection.wrap(participant, vendor);
    }

    /** The vendor object behind a decorated one, or {@code object} itself when it is not decorated. */
    public static <T> T unwrap(T object) {
        return FaultInjection.unwrap(object);
    }
}
