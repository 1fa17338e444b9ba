package dev.twophase.coordinator.recovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.twophase.coordinator.log.PostgresLogTakeover;
import dev.twophase.coordinator.log.PostgresLogTakeover.Candidate;
import dev.twophase.coordinator.log.PostgresLogTakeover.Claim;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.XaCodes;
import dev.twophase.coordinator.xa.XidText;

/**
 * Finishes the transactions of a coordinator that died for good, from a surviving one
 * ({@code twophase.coordinator.takeover.enabled}, with the coordinator log in PostgreSQL).
 *
 * <p><b>What a look does.</b> Every {@code takeover.interval} it lists the TM names whose lease has
 * run out and that no takeover has settled since their owner last held them. For each, it claims the
 * TM name with the next epoch ({@link PostgresLogTakeover#claim}), which fences the dead owner: none
 * of its log writes can succeed any more, so its log can no longer gain a commit decision. It then
 * reads that log and scans every participant registered here for prepared branches whose qualifier
 * starts with that TM name (as Atomikos recovery claims branches), and:
 * <ul>
 * <li>commits a branch whose transaction the log holds as COMMITTING;</li>
 * <li>rolls back a branch without a record: no commit decision was logged, and none can be any more
 * (presumed abort, as {@link PromptRecovery} does for earlier runs of its own TM name);</li>
 * <li>leaves a branch whose record is in another state (a subtransaction's IN_DOUBT, which twophase
 * does not create) and says so.</li>
 * </ul>
 * {@code XAER_NOTA} counts as done; a heuristic answer is recorded in the {@link HeuristicRegistry}
 * and the branch forgotten. The claim is renewed after each participant's scan and before any of its
 * branches is touched (see {@link #resolve}). When every participant registered here and every one
 * named in {@code recovery-participants} was scanned and nothing is left, the takeover <em>settles</em>
 * the TM name: nobody takes it again until its owner has come back; its log records stay for that
 * owner, whose recovery forgets them once it has scanned every participant of its own. Otherwise it
 * releases the TM name, and a later look (of this or another survivor) tries again; this instance
 * waits twice as long each time (up to {@link #MAX_BACKOFF}) while nobody else has held the name. Either way the
 * lease is released at once; a returning owner waits for a takeover in progress.
 *
 * <p><b>Why it is safe.</b> The claim is the same lease and epoch the owner's own log store takes
 * ({@code PostgresLogStore}): a live owner renews its lease, so a claim needs an expired one; an owner
 * paused past its lease finds its epoch gone at its next write and is fenced (it refuses new
 * transactions, and a transaction it had prepared but not yet logged as COMMITTING fails to log its
 * decision and rolls back, which is what the takeover did to its branches). A COMMITTING record the
 * owner forced before its lease ran out is in the log the takeover reads. The returning owner takes
 * its lease back only after the takeover released it, and reads the log as the takeover left it.
 *
 * <p><b>Limits.</b> Only participants registered in the survivor are scanned: run the same
 * participants on every instance that may take over, or name them in {@code recovery-participants},
 * whose absence keeps a takeover from settling.
 */
public final class Takeover implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Takeover.class);
    static final int HISTORY = 20;
    /** The longest an instance waits before it tries a name it released with work left again. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private record Backoff(long epoch, Instant next, int tries) {
    }

    /**
     * @param interval pause between two looks for expired TM names
     * @param requiredParticipants participants that must have been scanned before a takeover settles
     */
    public record Settings(Duration interval, Set<String> requiredParticipants) {

        public Settings {
            Objects.requireNonNull(interval, "interval");
            requiredParticipants = Set.copyOf(requiredParticipants);
        }
    }

    /**
     * Runs work with the participants' recovery XAResources to itself (the prompt recovery's lock).
     */
    @FunctionalInterface
    public interface Participants {
        void use(Consumer<Map<String, Supplier<XAResource>>> work) throws Exception;
    }

    /** Where takeovers are recorded for operators: the console's audit file. */
    public interface Audit {

        /**
         * Records that a takeover starts, before anything is done.
         *
         * @return the id the {@link #finished} record carries
         * @throws IOException when it cannot be recorded: the takeover is not carried out
         */
        String started(String tmName, long epoch, String previousOwner, Instant leaseExpiredAt) throws IOException;

        /** Records what a takeover did. */
        void finished(String id, Report report) throws IOException;

        /** No audit (no console). */
        Audit NONE = new Audit() {
            @Override
            public String started(String tmName, long epoch, String previousOwner, Instant leaseExpiredAt) {
                return "";
            }

            @Override
            public void finished(String id, Report report) {
            }
        };
    }

    /**
     * What one takeover did.
     *
     * @param tmName the TM name taken over
     * @param epoch the epoch it was taken with
     * @param previousOwner the process that held it before
     * @param leaseExpiredAt when that process's lease ran out
     * @param settled whether nothing of the TM name is left (its log records removed)
     * @param left what is left and why, when not settled
     */
    public record Report(String tmName, long epoch, String previousOwner, Instant leaseExpiredAt, Instant startedAt,
            Instant endedAt, int commitDecisions, int committed, int rolledBack, int heuristic, boolean settled, List<String> left) {

        /** One line for logs, the console and the audit. */
        public String summary() {
            return "takeover of " + tmName + " (epoch " + epoch + ", previously " + previousOwner + ", lease expired "
                    + leaseExpiredAt + "): " + commitDecisions + " commit decisions in its log; committed " + committed
                    + ", rolled back " + rolledBack + ", heuristic " + heuristic + " branches in "
                    + Duration.between(startedAt, endedAt).toMillis() + " ms; "
                    + (settled ? "settled" : "released with work left: " + left);
        }
    }

    private final PostgresLogTakeover logs;
    private final Participants participants;
    private final AtomikosAccess atomikos;
    private final HeuristicRegistry heuristics;
    private final Audit audit;
    private final Settings settings;
    private final Clock clock;
    private final Set<String> recovering = ConcurrentHashMap.newKeySet();
    /** TM names released with work left: when this instance tries them again, and how many times it has. */
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();
    private final Deque<Report> history = new ArrayDeque<>();
    private final List<Consumer<Report>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> startListeners = new CopyOnWriteArrayList<>();
    private volatile long takeovers;
    private ScheduledExecutorService executor; // guarded by this

    /**
     * @param atomikos this process's Atomikos: a node that does not own its own log any more takes nothing over
     */
    public Takeover(PostgresLogTakeover logs, Participants participants, AtomikosAccess atomikos, HeuristicRegistry heuristics,
            Audit audit, Settings settings, Clock clock) {
        this.logs = logs;
        this.participants = participants;
        this.atomikos = atomikos;
        this.heuristics = heuristics;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "twophase-takeover");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(this::lookCatchingEverything, interval, interval, TimeUnit.MILLISECONDS);
        log.info("Takeover started: every {} ms this coordinator looks for TM names whose lease expired and finishes"
                + " their transactions", interval);
    }

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
        running.shutdown();
        try {
            if (!running.awaitTermination(30, TimeUnit.SECONDS)) {
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

    /** The TM names this node is recovering for right now. */
    public Set<String> recoveringFor() {
        return Set.copyOf(new TreeSet<>(recovering));
    }

    /** The latest takeovers, newest first (at most {@value #HISTORY}). */
    public synchronized List<Report> recent() {
        return List.copyOf(history);
    }

    /** Takeovers carried out since start, settled or not. */
    public long count() {
        return takeovers;
    }

    /** Calls {@code listener} with the TM name when a takeover starts (metrics). */
    public void onStart(Consumer<String> listener) {
        startListeners.add(listener);
    }

    /** Calls {@code listener} after each takeover (metrics). */
    public void onReport(Consumer<Report> listener) {
        listeners.add(listener);
    }

    private void lookCatchingEverything() {
        try {
            look();
        } catch (RuntimeException | Error e) {
            log.error("Looking for TM names to take over failed; the next look is in {} ms", settings.interval().toMillis(), e);
        }
    }

    /**
     * One look: takes over every TM name whose lease expired and that is not settled.
     *
     * @return what the takeovers did
     */
    public List<Report> look() {
        if (!atomikos.ownsLog()) {
            log.warn("Takeover skipped: this coordinator does not own its own recovery log now");
            return List.of();
        }
        List<Candidate> candidates;
        try {
            candidates = logs.candidates();
        } catch (java.sql.SQLException e) {
            log.warn("Takeover cannot list the coordinator logs: {}", e.getMessage());
            return List.of();
        }
        List<Report> reports = new ArrayList<>();
        Instant now = clock.instant();
        for (Candidate candidate : candidates) {
            Backoff backoff = backoffs.get(candidate.tmName());
            // The same epoch: nobody has held the name since this instance released it.
            if (backoff != null && backoff.epoch() == candidate.epoch() && now.isBefore(backoff.next())) {
                continue;
            }
            takeOver(candidate).ifPresent(report -> {
                reports.add(report);
                if (report.settled()) {
                    backoffs.remove(report.tmName());
                } else {
                    // Work left (a participant down, a record for the console): retry, but less and less often,
                    // so a name only an operator can finish is not claimed and audited every few seconds.
                    int tries = backoff == null ? 1 : backoff.tries() + 1;
                    Duration wait = settings.interval().multipliedBy(1L << Math.min(tries, 6));
                    backoffs.put(report.tmName(), new Backoff(report.epoch(), clock.instant().plus(
                            wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait), tries));
                }
            });
        }
        return reports;
    }

    private Optional<Report> takeOver(Candidate candidate) {
        Optional<Claim> claimed;
        try {
            claimed = logs.claim(candidate);
        } catch (java.sql.SQLException e) {
            log.warn("Takeover could not claim {}: {}", candidate.tmName(), e.getMessage());
            return Optional.empty();
        }
        if (claimed.isEmpty()) {
            return Optional.empty(); // its owner came back, or another survivor was first
        }
        String tmName = candidate.tmName();
        try (Claim claim = claimed.get()) {
            recovering.add(tmName);
            startListeners.forEach(l -> l.accept(tmName));
            log.warn("TAKEOVER of {}: its lease ran out at {} (owner {}); this coordinator took it with epoch {} and"
                    + " finishes its transactions", tmName, candidate.leaseUntil(), candidate.owner(), claim.epoch());
            String auditId;
            try {
                auditId = audit.started(tmName, claim.epoch(), candidate.owner(), candidate.leaseUntil());
            } catch (IOException e) {
                log.error("Takeover of {} not carried out: it cannot be audited: {}", tmName, e.toString());
                release(claim);
                return Optional.empty();
            }
            Report report = recover(claim);
            try {
                if (report.settled()) {
                    claim.settle();
                } else {
                    claim.release();
                }
            } catch (java.sql.SQLException e) {
                report = new Report(report.tmName(), report.epoch(), report.previousOwner(), report.leaseExpiredAt(),
                        report.startedAt(), clock.instant(), report.commitDecisions(), report.committed(), report.rolledBack(),
                        report.heuristic(), false, append(report.left(), "ending the takeover failed: " + e.getMessage()));
            }
            (report.settled() ? log.atInfo() : log.atWarn()).log("TAKEOVER finished: {}", report.summary());
            try {
                audit.finished(auditId, report);
            } catch (IOException e) {
                log.error("The outcome of the takeover of {} could not be audited: {}", tmName, e.toString());
            }
            remember(report);
            return Optional.of(report);
        } finally {
            recovering.remove(tmName);
        }
    }

    private Report recover(Claim claim) {
        Instant started = clock.instant();
        String tmName = claim.tmName();
        Map<String, String> records;
        try {
            records = claim.records();
        } catch (java.sql.SQLException e) {
            return new Report(tmName, claim.epoch(), claim.previous().owner(), claim.previous().leaseUntil(), started,
                    clock.instant(), 0, 0, 0, 0, false, List.of("its log could not be read: " + e.getMessage()));
        }
        Set<String> commit = new HashSet<>();
        Map<String, String> other = new LinkedHashMap<>();
        records.forEach((id, state) -> {
            if ("COMMITTING".equals(state)) {
                commit.add(id);
            } else {
                other.put(id, state);
            }
        });
        // With a logging last resource, a transaction whose last resource committed is decided commit even
        // if its COMMITTING record never reached the log: its row in the last resource's table says so. The
        // other JDBC participants' tables too: the dead node may have run another one as its last resource.
        List<String> unreadable = new java.util.ArrayList<>();
        try {
            commit.addAll(dev.twophase.coordinator.log.LastResource.committedIdsEverywhere(tmName, unreadable));
        } catch (java.sql.SQLException e) {
            return new Report(tmName, claim.epoch(), claim.previous().owner(), claim.previous().leaseUntil(), started,
                    clock.instant(), 0, 0, 0, 0, false, List.of("the last resource's commit records could not be read: " + e.getMessage()));
        }
        Tally tally = new Tally();
        tally.left.addAll(unreadable);
        other.forEach((id, state) -> tally.left.add("log record " + id + " is " + state + "; resolve it with the console"));
        Set<String> scanned = new HashSet<>();
        try {
            participants.use(registered -> registered.forEach((participant, connect) -> {
                if (resolve(tmName, participant, connect, commit, other.keySet(), tally, claim)) {
                    scanned.add(participant);
                }
            }));
        } catch (Exception e) {
            tally.left.add("stopped: " + e.getMessage());
        }
        for (String required : new TreeSet<>(settings.requiredParticipants())) {
            if (!scanned.contains(required)) {
                tally.left.add("participant " + required + " was not scanned (not registered in this instance or unreachable)");
            }
        }
        return new Report(tmName, claim.epoch(), claim.previous().owner(), claim.previous().leaseUntil(), started,
                clock.instant(), commit.size(), tally.committed, tally.rolledBack, tally.heuristic, tally.left.isEmpty(),
                List.copyOf(tally.left));
    }

    /**
     * Completes the TM name's branches on one participant; whether it could be scanned.
     *
     * <p>The claim is renewed <em>after</em> the scan and before any branch is touched: epochs only
     * grow, so a renewal that succeeds proves that nobody had taken the TM name back when the scan ran,
     * and every branch it found belongs to the fenced owner, whose decisions are the log this claim
     * read. Without it, a claim that lapsed (a slow participant, a long wait for the lock) could find
     * the returning owner's new branches and roll back what that owner has decided to commit.
     */
    private boolean resolve(String tmName, String participant, Supplier<XAResource> connect, Set<String> commit,
            Set<String> leave, Tally tally, Claim claim) {
        Xid[] found;
        XAResource xa;
        try {
            found = BranchResolver.scan(atomikos, participant, connect);
            xa = connect.get();
        } catch (XAException | RuntimeException e) {
            tally.left.add(participant + " could not be scanned" + BranchResolver.describe(e));
            return false;
        }
        try {
            claim.renew();
        } catch (java.sql.SQLException e) {
            tally.left.add(participant + " was not touched: " + e.getMessage());
            return false;
        }
        Set<XidText.Key> seen = new HashSet<>();
        for (Xid xid : found) {
            if (!new String(xid.getBranchQualifier(), StandardCharsets.US_ASCII).startsWith(tmName) || !seen.add(XidText.key(xid))) {
                continue;
            }
            String gtrid = XidText.gtrid(xid);
            String text = XidText.of(xid);
            if (leave.contains(gtrid)) {
                tally.left.add(participant + " branch " + text + " (its log record is not a commit decision)");
                continue;
            }
            boolean toCommit = commit.contains(gtrid);
            String reason = toCommit ? "the log of " + tmName + " holds the commit decision"
                    : "no commit decision in the log of " + tmName + ": presumed abort";
            if (!toCommit) {
                // The dead node may be only paused, between its prepares and its last resource's commit: fence that
                // branch off before presuming abort, or learn that it committed.
                dev.twophase.coordinator.log.LastResource lastResource = dev.twophase.coordinator.log.LastResource.current();
                dev.twophase.coordinator.log.LastResource.Outcome fenced = lastResource == null ? null : lastResource.fence(gtrid, tmName);
                if (fenced == dev.twophase.coordinator.log.LastResource.Outcome.UNKNOWN) {
                    tally.left.add(participant + " branch " + text + ": no commit decision, but the last resource " + lastResource.participant()
                            + " could not be fenced (unreachable, or the branch there is still open); take over again later");
                    continue;
                }
                if (fenced == dev.twophase.coordinator.log.LastResource.Outcome.COMMITTED) {
                    commit.add(gtrid);
                    toCommit = true;
                    reason = "the last resource " + lastResource.participant() + " committed it (found when fencing it off)";
                }
            }
            BranchResolver.Finished finished = BranchResolver.finish(participant, xa, xid, toCommit);
            switch (finished.answer()) {
                case DONE -> {
                    if (toCommit) {
                        tally.committed++;
                    } else {
                        tally.rolledBack++;
                    }
                    log.info("Takeover {} {} branch {}: {}", toCommit ? "committed" : "rolled back", participant, text, reason);
                }
                case ALREADY_DONE -> log.info("Takeover found {} branch {} already completed ({})", participant, text, finished.error());
                case HEURISTIC, HEURISTIC_HAZARD -> {
                    heuristics.record(participant, xid, toCommit ? Decision.COMMIT : Decision.ROLLBACK,
                            Observed.ofXaErrorCode(finished.code()), "takeover " + (toCommit ? "commit" : "rollback") + " returned "
                                    + XaCodes.name(finished.code()) + " (" + reason + ")");
                    tally.heuristic++;
                    if (finished.answer() == BranchResolver.Answer.HEURISTIC_HAZARD) {
                        tally.left.add(participant + " branch " + text + ": heuristic hazard");
                    }
                }
                case FAILED -> tally.left.add(participant + " branch " + text + ": " + (toCommit ? "commit" : "rollback") + " failed with "
                        + finished.error());
            }
        }
        return true;
    }

    private static void release(Claim claim) {
        try {
            claim.release();
        } catch (java.sql.SQLException e) {
            log.warn("Could not release the takeover of {}; its lease runs out by itself: {}", claim.tmName(), e.getMessage());
        }
    }

    private synchronized void remember(Report report) {
        takeovers++;
        history.addFirst(report);
        while (history.size() > HISTORY) {
            history.removeLast();
        }
        listeners.forEach(l -> l.accept(report));
    }

    private static List<String> append(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return List.copyOf(all);
    }

    private static final class Tally {
        final List<String> left = new ArrayList<>();
        int committed;
        int rolledBack;
        int heuristic;
    }
}
