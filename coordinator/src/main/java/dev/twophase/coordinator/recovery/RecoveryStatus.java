package dev.twophase.coordinator.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where startup recovery stands: a point-in-time snapshot from {@link PromptRecovery#status()}.
 * Counts are since the application started and include branches of this run that recovery
 * completed after a failed phase 2.
 *
 * @param state where recovery stands
 * @param startedAt when recovery started (the application context had started), or {@code null} before
 * @param completedAt when nothing from before startup was left on any participant, or {@code null}
 * @param committed branches recovery committed (or found already committed)
 * @param rolledBack branches recovery rolled back (or found already gone)
 * @param heuristic branches whose participant reported a heuristic outcome to recovery
 * @param pending branches from before startup still prepared on some participant
 * @param participants every participant registered with Atomikos or named in
 *        {@code twophase.coordinator.recovery-participants}, by name
 */
public record RecoveryStatus(State state, Instant startedAt, Instant completedAt, long committed, long rolledBack,
        long heuristic, int pending, Map<String, Participant> participants) {

    /** Where startup recovery stands. */
    public enum State {
        /** Branches from before startup may still be prepared somewhere; their locks may block work. */
        RECOVERING,
        /** No branch from before startup is left on any participant. */
        COMPLETE,
        /** Still recovering after {@code twophase.coordinator.recovery-deadline}: someone should look. */
        OVERDUE
    }

    /**
     * One participant as recovery last saw it.
     *
     * @param registered whether it is registered with Atomikos (its pool has started)
     * @param covered whether a scan found nothing from before startup left on it
     * @param pendingXids branches from before startup still prepared on it, as {@code gtrid:bqual}
     * @param lastError why the latest scan or action failed, or {@code null}
     * @param lastScanAt when it was last scanned successfully, or {@code null}
     */
    public record Participant(String name, boolean registered, boolean covered, List<String> pendingXids,
            String lastError, Instant lastScanAt) {
    }

    /** How long recovery took, or has taken so far at {@code now}; zero before it started. */
    public Duration duration(Instant now) {
        if (startedAt == null) {
            return Duration.ZERO;
        }
        return Duration.between(startedAt, completedAt != null ? completedAt : now);
    }
}
