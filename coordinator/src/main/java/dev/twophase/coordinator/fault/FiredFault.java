package dev.twophase.coordinator.fault;

import java.time.Instant;

/**
 * One time a {@link Fault} acted, as {@link FaultInjector#fired()} reports it.
 *
 * @param at when it acted
 * @param fault the rule as it was armed
 * @param call which matching call this was, counting from 1 (skipped calls included)
 * @param xid the branch it acted on, as {@code gtrid/bqual (format N)} (a part that is not printable ASCII in hex);
 *            {@code null} at {@link CrashPoint#DURING_RECOVER}, which has none
 * @param gtrid the global transaction id of that branch (what the recovery log and {@code XA RECOVER} show), or {@code null}
 * @param thread the name of the thread that made the XA call
 */
public record FiredFault(Instant at, Fault fault, long call, String xid, String gtrid, String thread) {

    /** One line, e.g. {@code 2026-01-02T10:00:00Z FAIL(XAER_RMFAIL) at BEFORE_COMMIT of bankA xid=... (call 1 of rule ...)}. */
    @Override
    public String toString() {
        return at + " " + fault.action() + " at " + fault.point() + " of " + fault.participant()
                + (xid == null ? "" : " xid=" + xid) + " (call " + call + " of rule " + fault + ", thread " + thread + ")";
    }
}
