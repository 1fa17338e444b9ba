/**
 * XA building blocks and the XAResource chain: {@link dev.twophase.coordinator.xa.XaResourceChain}
 * decorates every participant's XAResource, in one place and one order (heuristic guard, phase
 * timers, then optional {@link dev.twophase.coordinator.xa.XaResourceLink}s such as the fault
 * injector, then the vendor's resource); plus the Xid value type and text form, and the one table of
 * XA error code names. Depends on nothing else of the coordinator; the links live in the packages of
 * their roles and implement {@code XaResourceLink}.
 */
package dev.twophase.coordinator.xa;
