package dev.twophase.coordinator.xa;

import java.util.List;
import java.util.Objects;

import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;

import jakarta.jms.XAConnectionFactory;

/**
 * The XAResource chain, assembled in one place: every XAResource a participant hands to Atomikos
 * passes, in this order, the heuristic guard, the phase timers, then any further links (the fault
 * injector when enabled), then the vendor's resource:
 *
 * <pre>
 * Atomikos -&gt; heuristic guard -&gt; phase timers -&gt; [fault injector, other links] -&gt; vendor XAResource
 * </pre>
 *
 * The guard and the timers are required by the constructor, so no configuration of the optional
 * links can remove them. Participants call {@link #wrap} once per participant, with the participant's
 * unique resource name, before they hand the factory to an Atomikos pool; the factory they get back
 * is a proxy implementing every public interface of the vendor's, so vendor interfaces still work
 * (use {@link #unwrap} to reach the vendor's class).
 *
 * <p>A bean of the coordinator's auto-configuration. Thread-safe.
 */
public class XaResourceChain {

    private final XaResourceLink heuristicGuard;
    private final XaResourceLink phaseTimers;
    private final List<XaResourceLink> innerLinks;
    /** The participant that runs as the logging last resource, or null. */
    private final String lastResource;

    /**
     * @param heuristicGuard reports a branch that vanished before its commit as a heuristic, never as a success
     * @param phaseTimers    times every prepare, commit and rollback
     * @param innerLinks     further links between the timers and the vendor, outermost first (e.g. the fault injector)
     */
    public XaResourceChain(XaResourceLink heuristicGuard, XaResourceLink phaseTimers, List<? extends XaResourceLink> innerLinks) {
        this(heuristicGuard, phaseTimers, innerLinks, null);
    }

    /**
     * @param lastResource the participant that runs as the logging last resource
     *        ({@code twophase.coordinator.last-resource}, see {@link dev.twophase.coordinator.log.LastResource}), or null:
     *        {@link #wrap(String, XADataSource)} gives that participant's data source branches that are never
     *        prepared and commit in one phase at the decision point
     */
    public XaResourceChain(XaResourceLink heuristicGuard, XaResourceLink phaseTimers, List<? extends XaResourceLink> innerLinks,
            String lastResource) {
        this.heuristicGuard = Objects.requireNonNull(heuristicGuard, "heuristicGuard");
        this.phaseTimers = Objects.requireNonNull(phaseTimers, "phaseTimers");
        this.innerLinks = List.copyOf(innerLinks);
        this.lastResource = lastResource == null || lastResource.isBlank() ? null : lastResource;
    }

    /**
     * The participant's data source with every XAResource it hands out decorated.
     *
     * @throws IllegalArgumentException when the participant has no name or the data source is already decorated
     */
    public XADataSource wrap(String participant, XADataSource vendor) {
        XADataSource own = Objects.requireNonNull(vendor, "vendor");
        if (checked(participant).equals(lastResource)) {
            own = new LastResourceXADataSource(participant, own);
        }
        return XaHandleProxy.proxy(XADataSource.class, participant, own, this::decorate);
    }

    /**
     * The participant's connection factory with every XAResource it hands out decorated.
     *
     * @throws IllegalArgumentException when the participant has no name or the factory is already decorated
     */
    public XAConnectionFactory wrap(String participant, XAConnectionFactory vendor) {
        return XaHandleProxy.proxy(XAConnectionFactory.class, checked(participant), Objects.requireNonNull(vendor, "vendor"),
                this::decorate);
    }

    /**
     * Decorates one vendor XAResource of the participant: the whole chain around it. Participants that
     * hand out XAResources without a factory (none today) call this directly.
     */
    public XAResource decorate(String participant, XAResource vendor) {
        PreparedBranches.Recorder recorder = PreparedBranches.recorder(vendor);
        XAResource resource = recorder != null ? recorder : vendor;
        for (int i = innerLinks.size() - 1; i >= 0; i--) {
            resource = innerLinks.get(i).link(participant, resource, vendor);
        }
        resource = phaseTimers.link(participant, resource, vendor);
        resource = heuristicGuard.link(participant, resource, vendor);
        if (recorder != null) {
            recorder.chained(resource);
        }
        if (vendor instanceof LastResourceXADataSource.Resource last) {
            last.chained(resource);
        }
        return resource;
    }

    /**
     * The vendor object behind a decorated one (a data source, connection factory, connection,
     * session, context or XAResource), or {@code object} itself when it is not decorated.
     */
    @SuppressWarnings("unchecked")
    public static <T> T unwrap(T object) {
        if (object instanceof DelegatingXAResource resource) {
            return (T) DelegatingXAResource.unwrap(resource);
        }
        Object delegate = XaHandleProxy.delegateOf(object);
        Object result = delegate == null ? object : delegate;
        while (result instanceof VendorWrapper wrapper) {
            result = wrapper.vendor();
        }
        return (T) result;
    }

    private static String checked(String participant) {
        if (participant == null || participant.isBlank()) {
            throw new IllegalArgumentException("the participant's unique resource name is required, e.g. bank-a;"
                    + " heuristics, metrics and fault rules name participants by it");
        }
        return participant;
    }

    @Override
    public String toString() {
        return "XaResourceChain[guard=" + heuristicGuard + ", timers=" + phaseTimers + ", inner=" + innerLinks + "]";
    }
}
