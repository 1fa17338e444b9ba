package dev.twophase.demo.drill;

import java.time.Instant;
import java.util.Map;

/**
 * One crash-and-recover drill, as {@link DrillStore} keeps it across the crash and {@code GET /api/drill}
 * shows it.
 *
 * @param id                 e.g. {@code mfx3k2}; the flow's idempotency key or user id is {@code drill-<id>}
 * @param flow               {@code transfer}, {@code like} or {@code order}
 * @param participant        where it crashes: {@code bank-a}, {@code bank-b} or {@code broker}
 * @param point              the crash point, e.g. {@code BEFORE_COMMIT}
 * @param rule               the fault rule armed for it
 * @param stage              where the drill is
 * @param requestedAt        when it was asked for
 * @param haltedAt           when the fault halted the process, or {@code null}
 * @param gtrid              the global transaction that was cut, or {@code null}
 * @param xid                the branch the fault hit, {@code gtrid/bqual (format n)}, or {@code null}
 * @param restartedAt        when the restarted JVM began, or {@code null}
 * @param readyAt            when the restarted application served again, or {@code null}
 * @param recoveryCompleteAt when recovery had left nothing from before the restart prepared anywhere, or {@code null}
 * @param consistentAt       when the consistency check passed again, or {@code null}
 * @param recovery           per participant, what recovery found and did for the cut transaction, e.g.
 *                           {@code in doubt → commit ok}; empty when nothing was left prepared
 * @param outcome            how the cut transaction ended, {@code committed} or {@code rolled back}: what recovery did
 *                           (from the protocol timeline) or, when nothing was left prepared, what the crash point
 *                           implies (committed from {@code BEFORE_COMMIT} on)
 * @param message            what the page says about the stage, in words
 */
public record Drill(String id, String flow, String participant, String point, String rule, Stage stage, Instant requestedAt,
        Instant haltedAt, String gtrid, String xid, Instant restartedAt, Instant readyAt, Instant recoveryCompleteAt,
        Instant consistentAt, Map<String, String> recovery, String outcome, String message) {

    /** Where a drill is. */
    public enum Stage {
        /** The rule is armed and the flow is running into it. */
        RUNNING(true),
        /** The fault halted the process; written just before it died. */
        HALTED(true),
        /** The application started again and recovery is at work; the consistency check is awaited. */
        RECOVERING(true),
        /** Recovery finished and the consistency check passed. */
        RECOVERED(false),
        /** The flow ended without reaching the crash point (e.g. the participant voted read-only); the rule was disarmed. */
        NOT_REACHED(false),
        /** The flow was refused before it reached the crash point (e.g. out of stock); the rule was disarmed. */
        FAILED(false),
        /** Restarted, but recovery or the consistency check did not finish in time: someone should look. */
        OVERDUE(false);

        private final boolean inProgress;

        Stage(boolean inProgress) {
            this.inProgress = inProgress;
        }

        /** Whether the drill has not ended: a new one must wait. */
        public boolean inProgress() {
            return inProgress;
        }
    }

    Drill at(Stage next, String why) {
        return new Drill(id, flow, participant, point, rule, next, requestedAt, haltedAt, gtrid, xid, restartedAt, readyAt,
                recoveryCompleteAt, consistentAt, recovery, outcome, why);
    }

    Drill halted(Instant when, String cutGtrid, String cutXid) {
        return new Drill(id, flow, participant, point, rule, Stage.HALTED, requestedAt, when, cutGtrid, cutXid, restartedAt, readyAt,
                recoveryCompleteAt, consistentAt, recovery, outcome, "The application halted at " + point + " of " + participant
                        + "; the supervisor restarts it.");
    }

    Drill restarted(Instant jvmStart, Instant ready) {
        return new Drill(id, flow, participant, point, rule, Stage.RECOVERING, requestedAt, haltedAt, gtrid, xid, jvmStart, ready,
                recoveryCompleteAt, consistentAt, recovery, outcome, "Restarted; recovery is resolving what the crash left in doubt.");
    }

    Drill recoveryComplete(Instant when) {
        return new Drill(id, flow, participant, point, rule, stage, requestedAt, haltedAt, gtrid, xid, restartedAt, readyAt, when,
                consistentAt, recovery, outcome, message);
    }

    Drill recovered(Instant when, Map<String, String> whatRecoveryDid, String how, String why) {
        return new Drill(id, flow, participant, point, rule, Stage.RECOVERED, requestedAt, haltedAt, gtrid, xid, restartedAt, readyAt,
                recoveryCompleteAt, when, Map.copyOf(whatRecoveryDid), how, why);
    }
}
