package dev.twophase.coordinator.xa;

import javax.transaction.xa.XAResource;

/**
 * One link of the {@link XaResourceChain}: decorates a participant's XAResource. The heuristic
 * guard, the phase timers and the fault injector are links; an application may add its own by
 * declaring a bean of this type (it then sits, like the fault injector, between the timers and the
 * vendor's resource).
 *
 * <p>Implementations must pass every call on unless they exist to change it, must not keep state
 * per transaction outside the returned resource, and must keep {@code isSameRM} and identity
 * semantics: return a new decorator per call; the chain makes one per vendor resource.
 */
@FunctionalInterface
public interface XaResourceLink {

    /**
     * @param participant the participant's unique resource name, e.g. {@code bank-a}
     * @param next        what this link must call: the next link, or the vendor's resource
     * @param vendor      the vendor's own resource under every link, to ask it something without
     *                    passing any link (e.g. whether a branch is still prepared)
     * @return the decorated resource
     */
    XAResource link(String participant, XAResource next, XAResource vendor);
}
