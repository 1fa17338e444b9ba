package dev.twophase.coordinator.recovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.coordinator.recovery.AtomikosAccess.LogEntry;
import dev.twophase.coordinator.recovery.CoordinatorIncarnation.Age;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.PreparedBranches;
import dev.twophase.coordinator.xa.XaCodes;
import dev.twophase.coordinator.xa.XidText;

/**
 * Scans one participant for prepared branches of this coordinator and completes those whose
 * outcome is known (see {@link PromptRecovery} for the rules and why they are safe). Used by one
 * thread at a time.
 */
public final class BranchResolver {

    private static final Logger log = LoggerFactory.getLogger(PromptRecovery.class);

    enum Action {
        COMMIT, ROLLBACK, WAIT
    }

    record Verdict(Action action, String reason) {
    }

    /**
     * One participant's scan.
     *
     * @param error why the scan or an action failed, or {@code null}
     * @param pendingFromBefore branches of earlier runs still prepared after this scan: xid to reason
     */
    record ScanResult(String participant, boolean scanned, String error, Map<String, String> pendingFromBefore,
            int committed, int rolledBack, int heuristic) {

        static ScanResult failed(String participant, String error) {
            return new ScanResult(participant, false, error, Map.of(), 0, 0, 0);
        }
    }

    private final CoordinatorIncarnation incarnation;
    private final AtomikosAccess atomikos;
    private final HeuristicRegistry heuristics;
    private final Duration defaultTimeout;
    private final Duration phaseTwoGrace;
    private final CommitAttempts attempts;
    private final Clock clock;
    private final Map<String, Memory> memories = new HashMap<>();
    private final ParticipantMonitor monitor;

    BranchResolver(CoordinatorIncarnation incarnation, AtomikosAccess atomikos, HeuristicRegistry heuristics,
            Duration defaultTimeout, Duration phaseTwoGrace, CommitAttempts attempts, Clock clock, ParticipantMonitor monitor) {
        this.phaseTwoGrace = phaseTwoGrace;
        this.attempts = attempts;
        this.monitor = monitor;
        this.incarnation = incarnation;
        this.atomikos = atomikos;
        this.heuristics = heuristics;
        this.defaultTimeout = defaultTimeout;
        this.clock = clock;
    }

    ScanResult resolve(String participant, Supplier<XAResource> connect) {
        Xid[] found;
        XAResource xa;
        try {
            found = scan(atomikos, participant, connect);
            xa = connect.get();
        } catch (XAException | RuntimeException e) {
            return failed(participant, "recover failed" + describe(e));
        }
        Instant now = clock.instant();
        int others = 0;
        Memory memory = memories.computeIfAbsent(participant, p -> new Memory());
        Set<XidText.Key> present = new HashSet<>();
        Tally tally = new Tally(memory);
        for (Xid xid : found) {
            XidText.Key key = XidText.key(xid);
            if (!incarnation.owns(xid)) {
                others++;
                continue;
            }
            if (!present.add(key)) {
                continue;
            }
            boolean fromBefore = incarnation.ageOf(XidText.gtrid(xid)) == Age.PREVIOUS;
            Verdict verdict = decide(participant, xid, now, memory.firstSeen.computeIfAbsent(key, k -> now));
            switch (verdict.action()) {
                case COMMIT -> complete(participant, xa, xid, true, verdict.reason(), fromBefore, tally);
                case ROLLBACK -> complete(participant, xa, xid, false, verdict.reason(), fromBefore, tally);
                case WAIT -> {
                    log.debug("Recovery leaves {} branch {} alone: {}", participant, XidText.of(xid), verdict.reason());
                    if (fromBefore) {
                        tally.pending.put(XidText.of(xid), verdict.reason());
                    }
                }
            }
        }
        monitor.reached(participant, present.size() - tally.committed - tally.rolledBack, others, now);
        memory.firstSeen.keySet().retainAll(present);
        memory.reported.keySet().retainAll(present);
        return new ScanResult(participant, true, tally.error, Map.copyOf(tally.pending), tally.committed,
                tally.rolledBack, tally.heuristic);
    }

    /**
     * {@code XAResource.recover} on the participant's recovery XAResource; when that fails, makes
     * Atomikos renew the connection once and scans again (see {@link AtomikosAccess#refresh}: its
     * commit retries close that connection without replacing it). Used by recovery passes and the
     * console alike.
     *
     * @return the prepared branches the participant lists, never {@code null}
     */
    public static Xid[] scan(AtomikosAccess atomikos, String participant, Supplier<XAResource> connect) throws XAException {
        try {
            return recoverOnce(connect);
        } catch (XAException | RuntimeException first) {
            if (!atomikos.refresh(participant)) {
                throw first;
            }
            Xid[] found = recoverOnce(connect);
            log.info("Recovery renewed the recovery connection of {} after: {}", participant, describe(first));
            return found;
        }
    }

    private static Xid[] recoverOnce(Supplier<XAResource> connect) throws XAException {
        XAResource xa = connect.get();
        if (xa == null) {
            throw new IllegalStateException("no XAResource: Atomikos could not connect to the participant");
        }
        Xid[] found = xa.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        return found == null ? new Xid[0] : found;
    }

    /** {@code " with <code>: <message>"} for an XAException (and its cause), {@code ": <exception>"} otherwise. */
    public static String describe(Exception e) {
        if (e instanceof XAException xa) {
            return " with " + XaCodes.describe(xa) + (xa.getCause() == null ? "" : " (cause: " + xa.getCause() + ")");
        }
        return ": " + e;
    }

    private ScanResult failed(String participant, String error) {
        monitor.failed(participant, error, clock.instant());
        return ScanResult.failed(participant, error);
    }

    /**
     * What an operator should do with a prepared branch of this coordinator, from the log and
     * whether its transaction is live here; unlike {@link #decide}, without recovery's waiting
     * margins, which protect automatic actions, not a person's.
     */
    public Advice advise(Xid xid) {
        String gtrid = XidText.gtrid(xid);
        Age age = incarnation.ageOf(gtrid);
        boolean live = age == Age.CURRENT && atomikos.hasLiveCoordinator(gtrid);
        LogEntry entry = atomikos.logEntry(gtrid);
        boolean commitDecided = entry.kind() == LogEntry.Kind.COMMITTING
                || age == Age.PREVIOUS && incarnation.committingAtStartup().contains(gtrid);
        String decision = commitDecided ? "COMMIT" : entry.kind() == LogEntry.Kind.NONE ? "NONE" : entry.state();
        if (age == Age.UNKNOWN) {
            return new Advice(age, live, decision, Recommendation.NONE,
                    "its id is not in Atomikos's format for this coordinator; Atomikos recovery resolves it");
        }
        if (commitDecided) {
            // A commit decision is final: committing is safe even while Atomikos is still retrying phase 2.
            return live ? new Advice(age, true, decision, Recommendation.COMMIT,
                    "the log holds the commit decision; phase 2 is unfinished in this process and Atomikos retries it,"
                            + " so committing now is safe")
                    : new Advice(age, false, decision, Recommendation.COMMIT, age == Age.PREVIOUS
                            ? "the log holds the commit decision of an earlier run"
                            : "the log holds the commit decision and its transaction has ended without completing it");
        }
        if (entry.kind() == LogEntry.Kind.OTHER) {
            return new Advice(age, live, decision, Recommendation.WAIT,
                    "the log holds it as " + entry.state() + "; Atomikos recovery resolves it");
        }
        if (live) {
            return new Advice(age, true, decision, Recommendation.WAIT,
                    "its transaction is still active in this process; it may yet decide to commit");
        }
        return new Advice(age, false, decision, Recommendation.ROLLBACK, age == Age.PREVIOUS
                ? "no commit decision of an earlier run in the log: presumed abort"
                : "no commit decision in the log and its transaction has ended in this process: presumed abort");
    }

    /** What an operator should do with a branch. */
    public enum Recommendation {
        COMMIT, ROLLBACK, WAIT, NONE
    }

    /** {@link #advise}'s answer. */
    public record Advice(Age age, boolean live, String decision, Recommendation recommendation, String reason) {
    }

    /**
     * The outcome recovery may give a prepared branch of this coordinator now. Whether the
     * transaction is live is asked before the log is read: once its coordinator is gone the
     * log can no longer gain a commit decision for it.
     *
     * @param since when this process first saw the branch prepared
     */
    Verdict decide(String participant, Xid xid, Instant now, Instant since) {
        String gtrid = XidText.gtrid(xid);
        Age age = incarnation.ageOf(gtrid);
        boolean live = atomikos.hasLiveCoordinator(gtrid);
        LogEntry entry = atomikos.logEntry(gtrid);
        boolean commitDecided = entry.kind() == LogEntry.Kind.COMMITTING
                || age == Age.PREVIOUS && incarnation.committingAtStartup().contains(gtrid);
        if (commitDecided) {
            if (age == Age.PREVIOUS) {
                return new Verdict(Action.COMMIT, "the log holds the commit decision of an earlier run");
            }
            if (!live) {
                return new Verdict(Action.COMMIT, "the log holds the commit decision and the transaction has ended"
                        + " in this process without completing it");
            }
            // Only once the transaction's own first commit of this branch was tried: before that, a commit
            // by recovery would make that first commit read XAER_NOTA, a false heuristic (HeuristicGuard).
            Duration margin = attempts.awaitingFirstCommit(participant, xid) ? defaultTimeout : phaseTwoGrace;
            if (!since.plus(margin).isAfter(now)) {
                return new Verdict(Action.COMMIT, "the log holds the commit decision and phase 2 has been unfinished for "
                        + Duration.between(since, now).toMillis() + " ms");
            }
            return new Verdict(Action.WAIT, "commit decided; its transaction is still completing it");
        }
        if (entry.kind() == LogEntry.Kind.OTHER) {
            return new Verdict(Action.WAIT, "the log holds it as " + entry.state() + "; Atomikos recovery resolves it");
        }
        AtomikosAccess.LastResourceAnswer unknownBefore = atomikos.settleLastResource(gtrid);
        if (unknownBefore == AtomikosAccess.LastResourceAnswer.UNKNOWN) {
            return new Verdict(Action.WAIT, "heuristic hazard: the last resource's commit gave no answer and its table gives none"
                    + " yet; the outcome is decided by its database, recovery asks again");
        }
        if (unknownBefore == AtomikosAccess.LastResourceAnswer.COMMITTED) {
            // The log holds the decision now (and no longer an unknown outcome): decide again from it.
            return decide(participant, xid, now, since);
        }
        if (atomikos.decisionRefused(gtrid)) {
            return new Verdict(Action.ROLLBACK, "the log refused its commit decision (the write failed, and the log has been"
                    + " rewritten without it): its caller was told it rolled back; presumed abort");
        }
        if (live) {
            return new Verdict(Action.WAIT, "its transaction is still active in this process");
        }
        return switch (age) {
            case PREVIOUS -> presumeAbortForEarlierRun(participant, xid, now, since);
            case CURRENT -> decideWithoutRecordInThisRun(gtrid, now);
            case UNKNOWN -> new Verdict(Action.WAIT, "its id is not in Atomikos's format; Atomikos recovery resolves it");
        };
    }

    /**
     * No commit decision of an earlier run: abort is presumed, once the last resource (if one runs) can no
     * longer commit the transaction. A node of that earlier run that is still alive, paused past its lease,
     * could otherwise commit its branch there after this rollback.
     */
    private Verdict presumeAbortForEarlierRun(String participant, Xid xid, Instant now, Instant since) {
        AtomikosAccess.LastResourceAnswer fenced = atomikos.fenceLastResource(XidText.gtrid(xid));
        if (fenced == AtomikosAccess.LastResourceAnswer.UNKNOWN) {
            return new Verdict(Action.WAIT, "no commit decision of an earlier run in the log, but the last resource cannot be"
                    + " fenced yet (unreachable, or its branch there is still open)");
        }
        if (fenced == AtomikosAccess.LastResourceAnswer.COMMITTED) {
            // It committed there after the log was read: the log holds the decision now, decide again from it.
            return decide(participant, xid, now, since);
        }
        return new Verdict(Action.ROLLBACK, "no commit decision of an earlier run in the log: presumed abort");
    }

    private Verdict decideWithoutRecordInThisRun(String gtrid, Instant now) {
        if (atomikos.subtransactionsAllowed()) {
            return new Verdict(Action.WAIT, "subtransactions are allowed, so an ended root says nothing about this id;"
                    + " Atomikos recovery resolves it after max_timeout");
        }
        Instant created = incarnation.createdAt(gtrid).orElseThrow();
        if (created.plus(defaultTimeout).isAfter(now)) {
            return new Verdict(Action.WAIT, "younger than the default timeout");
        }
        return new Verdict(Action.ROLLBACK, "no commit decision in the log and its transaction has ended in this"
                + " process: presumed abort");
    }

    /** What a commit or rollback of one in-doubt branch came to, as {@link #finish} reads the participant's answer. */
    enum Answer {
        /** The participant did it. */
        DONE,
        /** The branch was gone, or already rolled back when asked to roll back: someone finished it before. */
        ALREADY_DONE,
        /** A heuristic outcome (or a rollback when asked to commit): record it. The branch was told to forget it, unless a hazard. */
        HEURISTIC,
        /** A heuristic hazard: the outcome is unknown and the branch stays; record it and try again. */
        HEURISTIC_HAZARD,
        /** Any other failure: try again. */
        FAILED
    }

    /** An {@link Answer} with the XA error code behind it (0 for none) and the failure's description. */
    record Finished(Answer answer, int code, String error) {
    }

    /**
     * Commits or rolls back one in-doubt branch and classifies the participant's answer, the same way
     * for recovery and for a takeover. A heuristic outcome other than a hazard is forgotten here
     * (the caller records it).
     */
    static Finished finish(String participant, XAResource xa, Xid xid, boolean commit) {
        Finished finished = attempt(participant, xa, xid, commit);
        boolean throughOwner = false;
        if (finished.answer() == Answer.ALREADY_DONE && finished.code() == XAException.XAER_NOTA) {
            // MariaDB answers NOTA to any connection but the one that prepared the branch, while that one lives.
            XAResource owner = PreparedBranches.owner(xid);
            if (owner != null && owner != xa) {
                log.info("{} answered XAER_NOTA for {}; finishing it through the connection that prepared it", participant,
                        XidText.of(xid));
                finished = attempt(participant, owner, xid, commit);
                throughOwner = true;
            }
        }
        boolean over = finished.answer() == Answer.DONE || finished.answer() == Answer.ALREADY_DONE
                || finished.answer() == Answer.HEURISTIC;
        if (over || throughOwner && finished.answer() == Answer.FAILED) {
            // Finished, or its owner cannot finish it (its connection is gone, and with it the branch's tie to it).
            PreparedBranches.finished(xid);
        }
        return finished;
    }

    private static Finished attempt(String participant, XAResource xa, Xid xid, boolean commit) {
        try {
            if (commit) {
                xa.commit(xid, false);
            } else {
                xa.rollback(xid);
            }
            return new Finished(Answer.DONE, 0, null);
        } catch (XAException e) {
            int code = e.errorCode;
            if (code == XAException.XAER_NOTA || code == XAException.XAER_INVAL || !commit && XaCodes.isRollback(code)) {
                return new Finished(Answer.ALREADY_DONE, code, XaCodes.name(code));
            }
            if (code == XAException.XA_HEURHAZ) {
                return new Finished(Answer.HEURISTIC_HAZARD, code, XaCodes.describe(e));
            }
            if (XaCodes.isHeuristic(code) || XaCodes.isRollback(code)) {
                if (XaCodes.isHeuristic(code)) {
                    forget(participant, xa, xid);
                }
                return new Finished(Answer.HEURISTIC, code, XaCodes.describe(e));
            }
            return new Finished(Answer.FAILED, code, XaCodes.describe(e));
        } catch (RuntimeException e) {
            return new Finished(Answer.FAILED, 0, e.toString());
        }
    }

    private void complete(String participant, XAResource xa, Xid xid, boolean commit, String reason, boolean fromBefore,
            Tally tally) {
        String verb = commit ? "commit" : "roll back";
        String text = XidText.of(xid);
        Finished finished = finish(participant, xa, xid, commit);
        switch (finished.answer()) {
            case DONE -> {
                log.info("Recovery {} {} branch {}: {}", commit ? "committed" : "rolled back", participant, text, reason);
                tally.done(commit);
            }
            case ALREADY_DONE -> {
                log.info("Recovery found {} branch {} already completed ({}) when it was to {} it: {}", participant, text,
                        finished.error(), verb, reason);
                tally.done(commit);
            }
            case HEURISTIC, HEURISTIC_HAZARD -> {
                // Recorded once per branch: a hazard is retried, and a branch whose forget failed is shown again.
                if (tally.firstTime(xid, "heuristic")) {
                    record(participant, xid, commit, finished.code(), reason);
                    tally.heuristic++;
                }
                if (finished.answer() == Answer.HEURISTIC_HAZARD) {
                    tally.retry(text, fromBefore, "heuristic hazard on " + verb + "; retrying");
                }
            }
            case FAILED -> retry(participant, xid, verb, finished.error(), finished.code(), fromBefore, tally);
        }
    }

    private void record(String participant, Xid xid, boolean commit, int code, String reason) {
        heuristics.record(participant, xid, commit ? Decision.COMMIT : Decision.ROLLBACK, Observed.ofXaErrorCode(code),
                "recovery " + (commit ? "commit" : "rollback") + " returned " + XaCodes.name(code) + " (" + reason + ")");
    }

    private static void retry(String participant, Xid xid, String verb, String error, int code, boolean fromBefore,
            Tally tally) {
        String text = XidText.of(xid);
        if (tally.firstTime(xid, "retry " + code)) {
            log.warn("Recovery could not {} {} branch {}: {}; it retries every pass", verb, participant, text, error);
        }
        tally.retry(text, fromBefore, verb + " failed with " + error);
    }

    /** Tells the participant to forget a heuristically completed branch; a failure is logged (it shows the branch again). */
    static void forget(String participant, XAResource xa, Xid xid) {
        try {
            xa.forget(xid);
        } catch (XAException | RuntimeException e) {
            // Harmless: the participant shows the branch again and the outcome is recorded once more.
            log.warn("Recovery could not make {} forget heuristic branch {}: {}", participant, XidText.of(xid),
                    e instanceof XAException xae ? XaCodes.describe(xae) : e.toString());
        }
    }

    /** What this resolver remembers about one participant's prepared branches, between passes. */
    private static final class Memory {
        final Map<XidText.Key, Instant> firstSeen = new HashMap<>();
        final Map<XidText.Key, Set<String>> reported = new HashMap<>();
    }

    private static final class Tally {
        final Memory memory;
        final Map<String, String> pending = new LinkedHashMap<>();
        int committed;
        int rolledBack;
        int heuristic;
        String error;

        Tally(Memory memory) {
            this.memory = memory;
        }

        /** Whether this is the first time {@code what} happens to the branch; for logging and counting once. */
        boolean firstTime(Xid xid, String what) {
            return memory.reported.computeIfAbsent(XidText.key(xid), k -> new HashSet<>()).add(what);
        }

        void done(boolean commit) {
            if (commit) {
                committed++;
            } else {
                rolledBack++;
            }
        }

        void retry(String xid, boolean fromBefore, String why) {
            error = xid + ": " + why;
            if (fromBefore) {
                pending.put(xid, why);
            }
        }
    }
}
