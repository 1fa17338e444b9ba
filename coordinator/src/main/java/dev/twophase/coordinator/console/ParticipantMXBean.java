package dev.twophase.coordinator.console;

/**
 * One XA participant as the coordinator sees it, registered as
 * {@code dev.twophase:type=Participant,name=<unique resource name>}. Values come from the latest
 * scan ({@code XAResource.recover}): every prompt recovery pass scans each participant
 * ({@code twophase.coordinator.recovery-interval}, 2 s by default), and so does every console
 * listing.
 */
public interface ParticipantMXBean {

    /** The Atomikos unique resource name, e.g. {@code bank-a}. */
    String getName();

    /** Whether the latest scan reached the participant. */
    boolean isReachable();

    /** Prepared branches of this coordinator on the participant. */
    int getPreparedBranches();

    /** Prepared branches of other coordinators (other tm-names) on the participant; never touched here. */
    int getPreparedBranchesOfOthers();

    /** Why the latest scan failed, or {@code null} when it did not. */
    String getLastError();

    /** When the participant was last scanned (ISO-8601), or {@code null}. */
    String getLastScanAt();
}
