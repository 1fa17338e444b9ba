package dev.twophase.demo.drill;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.coordinator.fault.CrashPoint;
import dev.twophase.coordinator.fault.Fault;
import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.coordinator.fault.FiredFault;
import dev.twophase.coordinator.recovery.RecoveryStatus;
import dev.twophase.coordinator.timeline.XaTimeline;
import dev.twophase.demo.consistency.ConsistencyReport;
import dev.twophase.demo.consistency.InvariantResult;

/**
 * Runs crash-and-recover drills: arms a {@code HALT} at the chosen crash point of the chosen participant
 * for transactions over all three participants, runs the chosen flow into it, and notes durably where the
 * process died ({@link FaultInjector#beforeHalt}). The restarted application finds that note, labels the
 * cut transaction on the protocol timeline, and watches recovery and the consistency check until both are
 * done, noting when; {@code GET /api/drill} shows every step.
 */
public final class DrillService implements AutoCloseable {

    /** The flows a drill can run: each is one global transaction over bank A, bank B and the broker. */
    public static final List<String> FLOWS = List.of("transfer", "like", "order");
    public static final List<String> PARTICIPANTS = List.of("bank-a", "bank-b", "broker");
    /** The crash points a flow's transaction passes on every participant. */
    public static final List<String> POINTS = List.of(CrashPoint.BEFORE_PREPARE.name(), CrashPoint.AFTER_PREPARE.name(),
            CrashPoint.BEFORE_COMMIT.name(), CrashPoint.AFTER_COMMIT.name());
    static final String SPANS = "spans=bank-a+bank-b+broker";

    private static final Logger log = LoggerFactory.getLogger(DrillService.class);

    /** Why a drill was refused. */
    public enum Refusal {
        UNAVAILABLE, IN_PROGRESS, INVALID
    }

    /** A drill that was not started; nothing was armed. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        RefusedException(Refusal refusal, String detail) {
            super(detail);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** What a drill runs, in this application: a flow by name, with the drill's id for its keys. */
    public interface Flows {
        /** Runs the flow once, in its own global transaction; throws when it is refused. */
        void run(String flow, String drillId);
    }

    /** How long the restarted application waits for recovery and the consistency check before calling the drill overdue. */
    static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);

    private final FaultInjector injector;
    private final XaTimeline timeline;
    private final DrillStore store;
    private final Flows flows;
    private final Supplier<ConsistencyReport> consistency;
    private final Supplier<RecoveryStatus> recovery;
    private final Clock clock;
    private final Duration pollEvery;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "drill");
        t.setDaemon(true);
        return t;
    });
    private final AutoCloseable haltListener;
    private volatile Drill current;
    private volatile String loadError;
    /** What the watch last found wrong; its thread only. */
    private String lastProblem = "";

    /**
     * @param injector    the fault injector, or {@code null} when fault injection is off (no drill then)
     * @param timeline    the protocol timeline, or {@code null}
     * @param recovery    the coordinator's startup recovery, or {@code null} when it has none
     */
    public DrillService(FaultInjector injector, XaTimeline timeline, DrillStore store, Flows flows,
            Supplier<ConsistencyReport> consistency, Supplier<RecoveryStatus> recovery, Clock clock, Duration pollEvery) {
        this.injector = injector;
        this.timeline = timeline;
        this.store = store;
        this.flows = flows;
        this.consistency = consistency;
        this.recovery = recovery;
        this.clock = clock;
        this.pollEvery = pollEvery;
        this.haltListener = injector == null ? null : injector.beforeHalt(this::halting);
        try {
            this.current = store.load().orElse(null);
        } catch (RuntimeException e) {
            // The page gets the gist; the log the file and the parser's words.
            loadError = "the record of the last drill (drill/last-drill.json in the data directory) could not be read;"
                    + " the next drill replaces it";
            log.warn("Drill: {}; the page shows no earlier drill", e.getMessage());
        }
    }

    /** Whether drills can run here: fault injection is enabled. */
    public boolean available() {
        return injector != null && injector.isEnabled();
    }

    /** The last drill, if any. */
    public Optional<Drill> current() {
        return Optional.ofNullable(current);
    }

    /** Why the last drill could not be read at startup, or {@code null}. */
    public String loadError() {
        return loadError;
    }

    /**
     * Starts a drill: arms the rule, then runs the flow on the drill's thread (the answer goes out first).
     *
     * @throws RefusedException when fault injection is off, a drill is in progress, or a choice is not one offered;
     *                          nothing was armed
     */
    public synchronized Drill start(String flow, String participant, String point) {
        if (!available()) {
            throw new RefusedException(Refusal.UNAVAILABLE, "The drill needs fault injection: start the application with"
                    + " --spring.profiles.active=drill (or twophase.faults.enabled=true). Nothing was armed.");
        }
        choice("flow", flow, FLOWS);
        choice("participant", participant, PARTICIPANTS);
        choice("point", point, POINTS);
        Drill last = current;
        if (last != null && last.stage().inProgress()) {
            throw new RefusedException(Refusal.IN_PROGRESS, "Drill " + last.id() + " is still " + last.stage().name().toLowerCase(
                    java.util.Locale.ROOT).replace('_', ' ') + "; start the next one when it has ended. Nothing was armed.");
        }
        Instant now = clock.instant();
        String id = Long.toString(now.toEpochMilli(), 36);
        Fault rule = Fault.parse(participant + ":" + point + ":HALT:" + SPANS);
        Drill drill = new Drill(id, flow, participant, point, rule.toString(), Drill.Stage.RUNNING, now, null, null, null, null, null,
                null, null, Map.of(), null, "Running a " + flow + " into " + point + " of " + participant + ".");
        save(drill);
        injector.arm(rule);
        log.warn("Drill {}: a {} will halt this process at {} of {} (rule {})", id, flow, point, participant, rule);
        worker.execute(() -> run(drill, rule));
        return drill;
    }

    private static void choice(String field, String value, List<String> allowed) {
        if (value == null || !allowed.contains(value)) {
            throw new RefusedException(Refusal.INVALID, field + " must be one of " + String.join(", ", allowed) + ", was "
                    + (value == null ? "missing" : "'" + value + "'") + ". Nothing was armed.");
        }
    }

    /** On the drill's thread: lets the answer reach the page, then runs the flow into the fault. */
    private void run(Drill drill, Fault rule) {
        try {
            Thread.sleep(300);
            flows.run(drill.flow(), drill.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(drill, rule, Drill.Stage.FAILED, "The drill was interrupted before its " + drill.flow() + " ran.");
            return;
        } catch (RuntimeException e) {
            // A business refusal's message is written for the user (out of stock, quota reached); anything else is logged.
            log.warn("Drill {}: the {} failed before the crash point", drill.id(), drill.flow(), e);
            end(drill, rule, Drill.Stage.FAILED, "The " + drill.flow() + " was refused before it reached " + drill.point() + ": "
                    + (e instanceof dev.twophase.demo.web.RejectedException ? e.getMessage() : "it failed (see the log)")
                    + ". The rule was disarmed; nothing crashed.");
            return;
        }
        end(drill, rule, Drill.Stage.NOT_REACHED, "The " + drill.flow() + " committed without reaching " + drill.point() + " of "
                + drill.participant() + " (a read-only vote is not committed). The rule was disarmed; nothing crashed.");
    }

    private synchronized void end(Drill drill, Fault rule, Drill.Stage stage, String why) {
        injector.disarm(rule);
        if (current != null && current.id().equals(drill.id()) && current.stage() == Drill.Stage.RUNNING) {
            save(current.at(stage, why));
        }
    }

    /** The fault injector's listener, on the XA call's thread, just before the halt: notes where the process died. */
    private void halting(FiredFault fired) {
        Drill drill = current;
        if (drill == null || drill.stage() != Drill.Stage.RUNNING || !drill.rule().equals(fired.fault().toString())) {
            return;
        }
        save(drill.halted(fired.at(), fired.gtrid(), fired.xid()));
    }

    /**
     * Called once the application serves again: when the last drill halted this process (or the one before),
     * notes the restart and watches recovery and the consistency check on the drill's thread.
     */
    public synchronized void applicationReady() {
        Drill drill = current;
        // RUNNING too: the process died in the flow before the fault fired (killed by hand); recovery is watched all the same.
        Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        // A drill asked of this JVM (between the port opening and the ready event) is not a restart: it is still running.
        if (drill == null || !drill.stage().inProgress() || !drill.requestedAt().isBefore(jvmStart)) {
            return;
        }
        save(drill.restarted(jvmStart, clock.instant()));
        log.info("Drill {}: restarted after the crash at {} of {}; watching recovery and the consistency check", drill.id(),
                drill.point(), drill.participant());
        worker.execute(this::watch);
    }

    /** Until recovery is complete and the consistency check passes, or the limit. */
    private void watch() {
        Instant deadline = clock.instant().plus(RECOVERY_LIMIT);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (watchOnce(deadline)) {
                    return;
                }
            } catch (RuntimeException e) {
                // A failed save or status read must not end the watch: the drill would stay RECOVERING for good.
                log.warn("Drill: one look at recovery failed; looking again", e);
                if (clock.instant().isAfter(deadline)) {
                    return;
                }
            }
            try {
                Thread.sleep(pollEvery.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One look; true when the drill has ended (recovered or overdue). */
    private boolean watchOnce(Instant deadline) {
        Drill drill = current;
        labelOnTimeline(drill);
        RecoveryStatus status = recovery.get();
        if (drill.recoveryCompleteAt() == null && (status == null || status.state() == RecoveryStatus.State.COMPLETE)) {
            Instant done = status == null || status.completedAt() == null ? clock.instant() : status.completedAt();
            drill = drill.recoveryComplete(done);
            save(drill);
        }
        if (drill.recoveryCompleteAt() != null) {
            try {
                ConsistencyReport report = consistency.get();
                if (report.consistent()) {
                    finish(drill, report.checkedAt());
                    return true;
                }
                lastProblem = report.invariants().stream().filter(i -> i.status() != InvariantResult.Status.PASS)
                        .map(InvariantResult::name).collect(Collectors.joining(", "));
            } catch (RuntimeException e) {
                log.warn("Drill {}: the consistency check could not run", drill.id(), e);
                lastProblem = "the consistency check could not run (see the log)";
            }
        } else {
            lastProblem = status.pending() + " branch(es) from before the restart still prepared";
        }
        if (clock.instant().isAfter(deadline)) {
            save(drill.at(Drill.Stage.OVERDUE, "Not consistent " + RECOVERY_LIMIT.toMinutes() + " minutes after the restart: "
                    + lastProblem + ". Look at the in-doubt transactions (operator panel) and the consistency check."));
            log.warn("Drill {}: overdue: {}", drill.id(), lastProblem);
            return true;
        }
        return false;
    }

    private void labelOnTimeline(Drill drill) {
        if (timeline != null && drill.gtrid() != null) {
            timeline.find(drill.gtrid()).filter(tx -> tx.action() == null)
                    .ifPresent(tx -> timeline.label(drill.gtrid(), "recovery of the " + drill.flow() + " (drill)"));
        }
    }

    private synchronized void finish(Drill drill, Instant consistentAt) {
        Map<String, String> didWhat = new LinkedHashMap<>();
        // Nothing left prepared: the crash point says which side of the decision the process died on (docs/fault-injector.md).
        boolean decided = drill.point().equals(CrashPoint.BEFORE_COMMIT.name()) || drill.point().equals(CrashPoint.AFTER_COMMIT.name());
        String outcome = decided ? "committed" : "rolled back";
        Optional<XaTimeline.Transaction> tx = timeline == null || drill.gtrid() == null ? Optional.empty() : timeline.find(drill.gtrid());
        if (tx.isPresent()) {
            for (XaTimeline.Step step : tx.get().steps()) {
                if (!step.actor().equals(XaTimeline.COORDINATOR)) {
                    didWhat.merge(step.actor(), step.step() + " " + step.result(), (a, b) -> a + " → " + b);
                }
            }
            outcome = tx.get().outcome();
        }
        long millis = drill.haltedAt() == null ? -1 : Duration.between(drill.haltedAt(), consistentAt).toMillis();
        String took = millis < 0 ? "" : String.format(java.util.Locale.ROOT, " %.1f s after the crash", millis / 1000.0);
        String why;
        if (!didWhat.isEmpty()) {
            why = "Consistent again" + took + ". Recovery " + outcome + " what the crash left in doubt on "
                    + String.join(", ", didWhat.keySet()) + ".";
        } else if (decided) {
            why = "Consistent again" + took + ". Nothing was left in doubt: every participant had committed before the crash.";
        } else {
            why = "Consistent again" + took + ". Nothing was left in doubt: no participant had prepared, so each rolled back its"
                    + " work when the crash cut its connection.";
        }
        save(drill.recovered(consistentAt, didWhat, outcome, why));
        log.info("Drill {}: {}", drill.id(), why);
    }

    private void save(Drill drill) {
        current = drill;
        store.save(drill);
    }

    @Override
    public void close() throws Exception {
        worker.shutdownNow();
        worker.awaitTermination(5, TimeUnit.SECONDS);
        if (haltListener != null) {
            haltListener.close();
        }
    }
}
