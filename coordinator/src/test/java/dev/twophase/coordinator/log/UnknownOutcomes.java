package dev.twophase.coordinator.log;

import java.time.Duration;

/**
 * For tests of other packages: a last resource's decision whose outcome becomes unknown on the calling
 * thread, for real: its commit fails without an answer and the probe finds its database unreachable.
 */
public final class UnknownOutcomes {

    private UnknownOutcomes() {
    }

    /** Runs a decision on this thread that ends with its outcome unknown; restores the last resource before. */
    public static void decideWithoutAnswer() {
        LastResource before = LastResource.current();
        String gtrid = "unknown-outcome." + System.nanoTime();
        LastResource.configure(new LastResource.Settings("bank-a", "jdbc:postgresql://127.0.0.1:1/nowhere", "nobody", "", "tm"),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        try {
            LastResource.current().enlisted(gtrid, StubBranch.lostConnection(gtrid));
            LastResource.current().decide(gtrid, () -> true);
            throw new AssertionError("the decision did not fail");
        } catch (LastResource.OutcomeUnknown expected) {
            // What the test wants: the thread now carries the unknown outcome.
        } catch (com.atomikos.recovery.LogWriteException e) {
            throw new AssertionError("the decision was refused, not left unknown", e);
        } finally {
            LastResource.configure(before == null ? null : before.settings());
        }
    }
}
