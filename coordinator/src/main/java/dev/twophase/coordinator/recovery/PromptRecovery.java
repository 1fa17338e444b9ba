package dev.twophase.coordinator.recovery;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import javax.transaction.xa.XAResource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.twophase.coordinator.recovery.AtomikosAccess.LogEntry;
import dev.twophase.coordinator.recovery.BranchResolver.ScanResult;
import dev.twophase.coordinator.recovery.CoordinatorIncarnation.Age;

/**
 * Completes in-doubt XA branches within seconds of a restart instead of Atomikos's minutes, and
 * says when nothing from before the restart is left ({@link #status()}, one INFO line).
 *
 * <p><b>Why.</b> Atomikos presumes a branch it finds prepared but not in its log aborted only when
 * it sees it again {@code max_timeout} (5 min) later, and replays a COMMITTING record only once it
 * has expired. Meanwhile the prepared branches hold their locks.
 *
 * <p><b>What a pass does.</b> Every {@code twophase.coordinator.recovery-interval}, from the
 * moment the application context has started (when pools declared with {@code initMethod="init"}
 * have registered with Atomikos), it calls {@code recover(TMSTARTRSCAN|TMENDRSCAN)} on every
 * participant registered with Atomikos ({@code Configuration.getResources()}), keeps the branches
 * whose qualifier starts with this coordinator's {@code tm_unique_name} (as Atomikos does; the
 * name ends with "." so names are prefix-free), and for each:
 * <ol>
 * <li>from an earlier run (its gtrid carries a creation time before this run started, see
 * {@link CoordinatorIncarnation}): commit it if the log held a COMMITTING record for it at startup
 * or holds one now; otherwise roll it back (presumed abort);</li>
 * <li>from this run, with a COMMITTING record: commit it once its transaction has ended in this
 * process, or once it has been seen prepared for {@code default-timeout} (phase 2 failed, e.g.
 * the broker died between prepare and commit);</li>
 * <li>from this run, without any record: roll it back once its transaction has ended in this
 * process and it is older than {@code default-timeout}; leave it otherwise;</li>
 * <li>any other log record (a subtransaction's IN_DOUBT) or an id in another format: leave it to
 * Atomikos.</li>
 * </ol>
 * {@code XAER_NOTA} counts as done; {@code XAER_RMFAIL}, an unreachable participant or any other
 * failure is retried next pass; {@code XA_HEURCOM/HEURRB/HEURMIX} is recorded in the
 * {@link HeuristicRegistry} and the branch forgotten, {@code XA_HEURHAZ} recorded once and retried. Startup recovery is complete when every participant registered (and every
 * one named in {@code recovery-participants}) has been scanned with nothing from before startup
 * left on it; the completed commit decisions of earlier runs are then removed from the log.
 * Passes go on after that, for branches of this run whose phase 2 failed.
 *
 * <p><b>Why it is safe.</b>
 * <ul>
 * <li>Only one process runs a log (the log directory lock), so a transaction of an earlier run has
 * no live coordinator; its commit decision, if any, was forced to the log before any phase-2 call
 * (Atomikos logs COMMITTING before commit messages), so it was in the log at startup unless it had
 * already been carried out and terminated. No record therefore means no commit decision: abort.</li>
 * <li>In this run, the transaction service keeps a root's coordinator from {@code begin} until it
 * enters TERMINATED or ABANDONED, which are final, and the log write for a state happens before
 * the state is entered. Recovery asks whether the coordinator is still there <em>before</em>
 * reading the log: once it is gone, no COMMITTING record can appear any more, so a branch with
 * neither was never to be committed. This needs every transaction to be a root, which
 * {@code allow_subtransactions=false} ensures (twophase sets it; with it on, this case is left to
 * Atomikos). The default-timeout margin is extra care, not part of the argument.</li>
 * <li>A commit decision is final: replaying a commit is idempotent ({@code XAER_NOTA} = already
 * done) and cannot conflict with Atomikos, whose recovery commits exactly the COMMITTING records
 * and presumes abort only for branches without one.</li>
 * <li>Atomikos's own recovery timer may act on the same branch at the same time: both reach the
 * same outcome, and the second call gets {@code XAER_NOTA}.</li>
 * </ul>
 * <p><b>Limits.</b> A participant that registers after startup recovery completed is left to
 * Atomikos, and the earlier runs' commit decisions were already removed from the log: name such
 * participants in {@code recovery-participants}. A COMMITTING record Atomikos purged as orphaned
 * ({@code forget_orphaned_log_entries_delay}, 24 h) before startup cannot be known. Recovery uses
 * the participant's recovery XAResource, as Atomikos's recovery does; when a scan fails with it,
 * recovery makes Atomikos renew it once and scans again ({@code AtomikosAccess.refresh}), because
 * Atomikos's own commit retries close that connection without replacing it.
 */
public final class PromptRecovery implements SmartLifecycle {

    static final Duration OVERDUE_WARNING_PERIOD = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(PromptRecovery.class);

    /**
     * @param interval pause between two passes
     * @param deadline time after start after which unfinished recovery is overdue
     * @param defaultTimeout Atomikos's default transaction timeout
     * @param phaseTwoGrace how long a branch whose commit is decided is left to its still-live transaction
     *        (which retries the commit itself) before recovery commits it
     * @param requiredParticipants participants that must have been scanned before recovery can complete
     */
    public record Settings(Duration interval, Duration deadline, Duration defaultTimeout, Duration phaseTwoGrace,
            Set<String> requiredParticipants) {

        public Settings {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(deadline, "deadline");
            Objects.requireNonNull(defaultTimeout, "defaultTimeout");
            Objects.requireNonNull(phaseTwoGrace, "phaseTwoGrace");
            requiredParticipants = Set.copyOf(requiredParticipants);
        }
    }

    private final CoordinatorIncarnation incarnation;
    private final Settings settings;
    private final AtomikosAccess atomikos;
    private final Clock clock;
    private final BranchResolver resolver;
    private final RecoveryLedger ledger;
    private final ParticipantMonitor monitor;
    private final ReentrantLock passLock = new ReentrantLock();
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong failedPasses = new AtomicLong();
    private volatile boolean stopping;
    private ScheduledExecutorService executor; // guarded by this

    /** Recovery over the Atomikos running in this JVM. */
    public PromptRecovery(CoordinatorIncarnation incarnation, Settings settings, HeuristicRegistry heuristics) {
        this(incarnation, settings, heuristics, CommitAttempts.UNKNOWN);
    }

    /**
     * Recovery over the Atomikos running in this JVM, knowing from {@code attempts} (the
     * {@link HeuristicGuard}) which branches still await their transaction's first commit.
     */
    public PromptRecovery(CoordinatorIncarnation incarnation, Settings settings, HeuristicRegistry heuristics,
            CommitAttempts attempts) {
        this(incarnation, settings, heuristics, new LiveAtomikos(), Clock.systemUTC(), attempts);
    }

    PromptRecovery(CoordinatorIncarnation incarnation, Settings settings, HeuristicRegistry heuristics,
            AtomikosAccess atomikos, Clock clock) {
        this(incarnation, settings, heuristics, atomikos, clock, (participant, xid) -> false);
    }

    PromptRecovery(CoordinatorIncarnation incarnation, Settings settings, HeuristicRegistry heuristics,
            AtomikosAccess atomikos, Clock clock, CommitAttempts attempts) {
        this.incarnation = incarnation;
        this.settings = settings;
        this.atomikos = atomikos;
        this.clock = clock;
        this.monitor = new ParticipantMonitor();
        this.resolver = new BranchResolver(incarnation, atomikos, heuristics, settings.defaultTimeout(),
                settings.phaseTwoGrace(), attempts, clock, monitor);
        this.ledger = new RecoveryLedger(settings.deadline(), settings.requiredParticipants());
    }

    /** Starts the passes; called by Spring once every other bean has started. */
    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        stopping = false;
        begin();
        executor = Executors.newScheduledThreadPool(2, daemonThreads());
        long interval = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(this::passCatchingEverything, 0, interval, TimeUnit.MILLISECONDS);
        // A pass can hang on an unreachable participant; the overdue warning must not wait for it.
        executor.scheduleAtFixedRate(this::warnIfOverdue, interval, interval, TimeUnit.MILLISECONDS);
        log.info("Prompt recovery started for coordinator '{}' (run started {}): a pass every {} ms, overdue after {} ms,"
                + " required participants {}", incarnation.tmName(), incarnation.startedAt(), interval,
                settings.deadline().toMillis(), settings.requiredParticipants().isEmpty() ? "(those registered)"
                        : new TreeSet<>(settings.requiredParticipants()));
    }

    /** Starts the clock for the deadline and the duration; passes may complete recovery from now on. */
    void begin() {
        ledger.begin(clock.instant());
    }

    /** Stops the passes, letting a running one finish its current participant. */
    @Override
    public void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = executor;
            executor = null;
        }
        if (running == null) {
            return;
        }
        stopping = true;
        running.shutdown();
        try {
            if (!running.awaitTermination(10, TimeUnit.SECONDS)) {
                running.shutdownNow();
            }
        } catch (InterruptedException e) {
            running.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /** Where recovery stands now. */
    public RecoveryStatus status() {
        return ledger.status(clock.instant());
    }

    /** What the latest scans of the participants found. */
    public ParticipantMonitor participants() {
        return monitor;
    }

    /**
     * Names of the participants registered with Atomikos now, then those named in
     * {@code recovery-participants} that have not registered (yet).
     */
    public java.util.Set<String> participantNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        try {
            names.addAll(atomikos.participants().keySet());
        } catch (RuntimeException notRunning) {
            // Atomikos not running: only the configured names are known.
        }
        names.addAll(new TreeSet<>(settings.requiredParticipants()));
        return names;
    }

    /** Passes run since start. */
    public long passes() {
        return passes.get();
    }

    /** Passes in which some participant could not be scanned or a branch could not be completed. */
    public long failedPasses() {
        return failedPasses.get();
    }

    /**
     * Starts a pass in the background now, or right after the one running.
     *
     * @return {@code false} when recovery is not running (before start or after stop)
     */
    public synchronized boolean requestPass() {
        if (executor == null) {
            return false;
        }
        executor.execute(this::passCatchingEverything);
        return true;
    }

    /** Whether a pass is running now. */
    public boolean passRunning() {
        return passLock.isLocked();
    }

    /**
     * Runs {@code work} while no pass runs and none can start, so that it has the participants'
     * recovery XAResources to itself (the console's scans and actions).
     *
     * @throws java.util.concurrent.TimeoutException when a pass still runs after {@code wait}
     */
    public <T> T exclusively(Duration wait, java.util.concurrent.Callable<T> work) throws Exception {
        if (!passLock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new java.util.concurrent.TimeoutException("a recovery pass has held the participants for more than "
                    + wait.toMillis() + " ms");
        }
        try {
            return work.call();
        } finally {
            passLock.unlock();
        }
    }

    /** One pass over every registered participant; passes never overlap. */
    void runPass() {
        passLock.lock();
        try {
            if (!atomikos.ownsLog()) {
                // Fenced: another process owns this TM name's log now; resolving its branches from this
                // process's stale view could roll back what the new owner has decided to commit.
                log.error("Recovery skipped: this coordinator does not own its recovery log now: its lease in the log"
                        + " database ran out (the database was unreachable, or this process was paused) or another instance"
                        + " took its TM name over (then the log says FENCED: stop this instance)");
                failedPasses.incrementAndGet();
                return;
            }
            Map<String, Supplier<XAResource>> registered = atomikos.participants();
            List<ScanResult> results = new ArrayList<>();
            for (Map.Entry<String, Supplier<XAResource>> participant : registered.entrySet()) {
                if (stopping) {
                    return;
                }
                results.add(resolver.resolve(participant.getKey(), participant.getValue()));
            }
            passes.incrementAndGet();
            if (results.stream().anyMatch(r -> !r.scanned() || r.error() != null)) {
                failedPasses.incrementAndGet();
            }
            ledger.record(registered.keySet(), results, clock.instant()).ifPresent(completion -> {
                log.info(completion);
                forgetCompletedDecisionsOfEarlierRuns();
            });
        } finally {
            passLock.unlock();
        }
        warnIfOverdue();
    }

    /** The decisions and the participants, for the console (same package). */
    /** The running Atomikos as recovery sees it; the console scans and forgets through it. */
    public AtomikosAccess atomikos() {
        return atomikos;
    }

    /** This run of the coordinator. */
    public CoordinatorIncarnation incarnation() {
        return incarnation;
    }

    /** The rules that decide what a branch needs, shared with the console. */
    public BranchResolver resolver() {
        return resolver;
    }

    /** The clock recovery reads, shared with the console. */
    public Clock clock() {
        return clock;
    }

    /** Logs a WARN with the state of every participant while overdue, at most once a minute. */
    void warnIfOverdue() {
        ledger.overdueWarning(clock.instant(), OVERDUE_WARNING_PERIOD).ifPresent(log::warn);
    }

    private void passCatchingEverything() {
        try {
            runPass();
        } catch (RuntimeException | Error e) {
            log.error("Recovery pass failed; the next one starts in {} ms", settings.interval().toMillis(), e);
        }
    }

    /**
     * Atomikos forgets expired COMMITTING records only after a pass in which every registered
     * resource recovered without error, and unexpired ones (a restart within the timeout) not
     * before they expire; nothing they cover is left now, so they go.
     */
    private void forgetCompletedDecisionsOfEarlierRuns() {
        int forgotten = 0;
        for (String gtrid : incarnation.committingAtStartup()) {
            try {
                if (incarnation.ageOf(gtrid) == Age.PREVIOUS && atomikos.logEntry(gtrid).kind() == LogEntry.Kind.COMMITTING) {
                    atomikos.forget(gtrid);
                    forgotten++;
                }
            } catch (RuntimeException e) {
                log.warn("Recovery could not remove the completed commit decision {} from the recovery log: {};"
                        + " Atomikos removes it on a later pass", gtrid, e.toString());
            }
        }
        if (forgotten > 0) {
            log.info("Recovery removed {} completed commit decisions of earlier runs from the recovery log", forgotten);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "twophase-recovery-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
