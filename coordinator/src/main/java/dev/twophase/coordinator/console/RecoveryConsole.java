package dev.twophase.coordinator.console;

import java.io.IOException;
import java.nio.file.Path;
import java.security.AccessController;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.coordinator.metrics.TransactionOutcomes;
import dev.twophase.coordinator.recovery.AtomikosAccess.PendingRecord;
import dev.twophase.coordinator.recovery.BranchResolver;
import dev.twophase.coordinator.recovery.BranchResolver.Advice;
import dev.twophase.coordinator.recovery.CoordinatorIncarnation;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.recovery.ParticipantMonitor;
import dev.twophase.coordinator.recovery.PromptRecovery;
import dev.twophase.coordinator.xa.XaCodes;
import dev.twophase.coordinator.xa.XidText;

/**
 * The recovery console: lists what is in doubt and lets an operator resolve it safely. Registered
 * as {@code dev.twophase:type=Coordinator} (see {@link CoordinatorMXBean} and docs/console.md).
 *
 * <p><b>Safety.</b> A branch is committed only where the log holds the commit decision and rolled
 * back only where it holds none, and never while its transaction is still active here, unless the
 * operator forces it with a reason; a forced action that goes against (or without) the log's
 * decision is recorded as a heuristic outcome ({@link HeuristicRegistry}). Branches of other
 * coordinators are never touched. Scans and actions hold the recovery pass lock, so they never
 * race a prompt recovery pass; Atomikos's own recovery may still complete a branch first, which
 * the answer {@code ALREADY_RESOLVED} reports. Every action is audited before and after
 * ({@link AuditLog}); an action that cannot be audited is not carried out.
 */
public final class RecoveryConsole implements CoordinatorMXBean {

    private static final Logger log = LoggerFactory.getLogger(RecoveryConsole.class);
    private static final int MAX_REASON = 500;

    /**
     * @param logDir the recovery log directory
     * @param forgetOrphanedDelay Atomikos's {@code forget_orphaned_log_entries_delay}
     * @param lockWait how long an action waits for a running recovery pass
     */
    public record Settings(String tmName, Path logDir, Duration forgetOrphanedDelay, Duration lockWait) {
    }

    private final PromptRecovery recovery;
    private final HeuristicRegistry heuristics;
    private final TransactionOutcomes outcomes;
    private final AuditLog audit;
    private final Settings settings;
    private final Supplier<String> operator;
    private volatile dev.twophase.coordinator.recovery.Takeover takeover;

    public RecoveryConsole(PromptRecovery recovery, HeuristicRegistry heuristics, TransactionOutcomes outcomes, AuditLog audit,
            Settings settings) {
        this(recovery, heuristics, outcomes, audit, settings, RecoveryConsole::currentOperator);
    }

    /** As above, with the source of the acting operator's name (the default reads the JMX subject). */
    public RecoveryConsole(PromptRecovery recovery, HeuristicRegistry heuristics, TransactionOutcomes outcomes, AuditLog audit,
            Settings settings, Supplier<String> operator) {
        this.recovery = recovery;
        this.heuristics = heuristics;
        this.outcomes = outcomes;
        this.audit = audit;
        this.settings = settings;
        this.operator = operator;
    }

    /** Shows the takeovers of this instance (when it takes other instances' TM names over). */
    public void showTakeovers(dev.twophase.coordinator.recovery.Takeover takeover) {
        this.takeover = takeover;
    }

    // ---- attributes

    @Override
    public List<String> getRecoveringFor() {
        var t = takeover;
        return t == null ? List.of() : List.copyOf(t.recoveringFor());
    }

    @Override
    public List<String> listTakeovers() {
        var t = takeover;
        return t == null ? List.of() : t.recent().stream().map(dev.twophase.coordinator.recovery.Takeover.Report::summary).toList();
    }

    @Override
    public String getTmName() {
        return settings.tmName();
    }

    @Override
    public String getLogDirectory() {
        return settings.logDir().toAbsolutePath().toString();
    }

    @Override
    public String getAuditFile() {
        return audit.file().toString();
    }

    @Override
    public long getCommitted() {
        return outcomes.committed();
    }

    @Override
    public long getRolledBack() {
        return outcomes.rolledBack();
    }

    @Override
    public long getHeuristic() {
        return outcomes.heuristic() + heuristics.total();
    }

    @Override
    public long getInFlight() {
        return outcomes.inFlight();
    }

    @Override
    public String getRecoveryState() {
        return recovery.status().state().name();
    }

    @Override
    public int getInDoubt() {
        return recovery.participants().inDoubt();
    }

    // ---- reads

    @Override
    public List<LogRecordView> listLogRecords() {
        List<PendingRecord> records = recovery.atomikos().pendingRecords();
        // Without a full scan the branch counts would read 0 where they are unknown: fail like a listing.
        List<Found> prepared = records.isEmpty() ? List.of() : scan();
        List<LogRecordView> views = new ArrayList<>();
        for (PendingRecord r : records) {
            long branches = prepared.stream().filter(f -> XidText.gtrid(f.xid()).equals(r.id())).count();
            views.add(new LogRecordView(r.id(), r.state(), Instant.ofEpochMilli(r.expires()).toString(),
                    Instant.ofEpochMilli(r.expires()).plus(settings.forgetOrphanedDelay()).toString(), (int) branches));
        }
        views.sort(Comparator.comparing(LogRecordView::getExpiresAt));
        return views;
    }

    @Override
    public List<BranchView> listInDoubtBranches() {
        return scan().stream().map(this::view).toList();
    }

    @Override
    public List<BranchView> showBranch(String xidOrGtrid) {
        String wanted = xidOrGtrid == null ? "" : xidOrGtrid.strip();
        return scan().stream().filter(f -> f.text().equals(wanted) || XidText.gtrid(f.xid()).equals(wanted))
                .map(this::view).toList();
    }

    // ---- actions

    @Override
    public ActionResult commit(String xid, boolean force, String reason) {
        return resolve("commit", xid, force, reason);
    }

    @Override
    public ActionResult rollback(String xid, boolean force, String reason) {
        return resolve("rollback", xid, force, reason);
    }

    @Override
    public ActionResult forget(String xidOrGtrid, String reason) {
        String who = operator.get();
        String target = xidOrGtrid == null ? "" : xidOrGtrid.strip();
        String refusal = checkInput(target, false, reason);
        if (refusal != null) {
            return new ActionResult("forget", target, null, "REFUSED", false, false, refusal, null);
        }
        String id;
        try {
            id = audit.requested(who, "forget", target, false, reason);
        } catch (IOException e) {
            return unaudited("forget", target, false, e);
        }
        ActionResult result;
        try {
            result = recovery.exclusively(settings.lockWait(), () -> forgetLocked(id, target));
        } catch (TimeoutException e) {
            result = busy("forget", target, false, id, e);
        } catch (Exception e) {
            result = new ActionResult("forget", target, null, "FAILED", false, false, "forget failed: " + e, id);
        }
        return audited(who, result);
    }

    @Override
    public ActionResult recoverNow() {
        String who = operator.get();
        String id;
        try {
            id = audit.requested(who, "recover", "", false, null);
        } catch (IOException e) {
            return unaudited("recover", "", false, e);
        }
        boolean running = recovery.passRunning();
        ActionResult result = recovery.requestPass()
                ? new ActionResult("recover", "", null, "STARTED", false, false, running
                        ? "a recovery pass is running; another one starts right after it (passes so far: " + recovery.passes() + ")"
                        : "a recovery pass starts now (passes so far: " + recovery.passes() + "); list again to see what is left",
                        id)
                : new ActionResult("recover", "", null, "FAILED", false, false,
                        "prompt recovery is not running (the application is starting or stopping); try again when it is up",
                        id);
        return audited(who, result);
    }

    /** {@link #commit(String, boolean, String)} on behalf of {@code who}, e.g. a web user; audited as them. */
    public ActionResult commitAs(String who, String xid, boolean force, String reason) {
        return resolve(who, "commit", xid, force, reason);
    }

    /** {@link #rollback(String, boolean, String)} on behalf of {@code who}, e.g. a web user; audited as them. */
    public ActionResult rollbackAs(String who, String xid, boolean force, String reason) {
        return resolve(who, "rollback", xid, force, reason);
    }

    private ActionResult resolve(String action, String xidText, boolean force, String reason) {
        return resolve(operator.get(), action, xidText, force, reason);
    }

    private ActionResult resolve(String who, String action, String xidText, boolean force, String reason) {
        String target = xidText == null ? "" : xidText.strip();
        String refusal = checkInput(target, force, reason);
        if (refusal != null) {
            return new ActionResult(action, target, null, "REFUSED", force, false, refusal, null);
        }
        String id;
        try {
            id = audit.requested(who, action, target, force, reason);
        } catch (IOException e) {
            return unaudited(action, target, force, e);
        }
        ActionResult result;
        try {
            result = recovery.exclusively(settings.lockWait(), () -> resolveLocked(id, who, action, target, force, reason));
        } catch (TimeoutException e) {
            result = busy(action, target, force, id, e);
        } catch (Exception e) {
            result = new ActionResult(action, target, null, "FAILED", force, false, action + " failed: " + e
                    + "; nothing is known to have changed: list again", id);
        }
        return audited(who, result);
    }

    private ActionResult resolveLocked(String id, String who, String action, String target, boolean force, String reason) {
        boolean commit = action.equals("commit");
        Found found = null;
        for (Found f : scan()) {
            if (f.text().equals(target)) {
                found = f;
            }
        }
        if (found == null) {
            return new ActionResult(action, target, null, "NOT_FOUND", force, false, "no participant lists " + target
                    + " as a prepared branch of coordinator '" + settings.tmName() + "': it has been resolved already"
                    + " (by recovery or another operator) or is another coordinator's; run list to see what is in doubt", id);
        }
        Advice advice = recovery.resolver().advise(found.xid());
        boolean decidedCommit = "COMMIT".equals(advice.decision());
        boolean agrees = commit ? decidedCommit : "NONE".equals(advice.decision());
        if (!force) {
            if (!agrees) {
                String against = commit
                        ? "the log holds no commit decision for it (" + advice.decision() + "), so presumed abort says roll back"
                        : "the log holds the commit decision for it, so every branch must commit";
                return refused(action, target, found, id, against + "; the recommendation is " + advice.recommendation()
                        + ". To " + action + " anyway, force it with a reason: that is recorded as a heuristic decision");
            }
            if (advice.live() && !(commit && decidedCommit)) {
                return refused(action, target, found, id, "its transaction is still active in this process ("
                        + advice.reason() + "); it completes by itself or by recovery. Wait, or force it with a reason");
            }
        }
        XAResource xa;
        try {
            xa = found.resource().get();
        } catch (RuntimeException e) {
            return new ActionResult(action, target, found.participant(), "FAILED", force, false,
                    "cannot reach " + found.participant() + ": " + e + "; try again when it is reachable", id);
        }
        try {
            if (commit) {
                xa.commit(found.xid(), false);
            } else {
                xa.rollback(found.xid());
            }
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_NOTA) {
                return new ActionResult(action, target, found.participant(), "ALREADY_RESOLVED", force, false,
                        found.participant() + " no longer knows the branch (XAER_NOTA): it was resolved meanwhile, by"
                                + " Atomikos recovery or someone else; nothing was done", id);
            }
            if (XaCodes.isHeuristic(e.errorCode) || XaCodes.isRollback(e.errorCode)) {
                Observed observed = Observed.ofXaErrorCode(e.errorCode);
                heuristics.record(found.participant(), found.xid(), decidedCommit ? Decision.COMMIT : Decision.ROLLBACK,
                        observed, "operator " + who + "'s " + action + " answered " + XaCodes.name(e.errorCode));
                return new ActionResult(action, target, found.participant(), "FAILED", force, true, found.participant()
                        + " answered " + XaCodes.describe(e) + ": it had decided the branch on its own ("
                        + observed + "); recorded as a heuristic outcome. Check the business data of this transaction", id);
            }
            return new ActionResult(action, target, found.participant(), "FAILED", force, false, found.participant()
                    + " answered " + XaCodes.describe(e) + "; the branch may still be prepared: list again and retry", id);
        }
        boolean heuristic = !agrees;
        if (heuristic) {
            heuristics.record(found.participant(), found.xid(), decidedCommit ? Decision.COMMIT : Decision.ROLLBACK,
                    commit ? Observed.COMMITTED : Observed.ROLLED_BACK, "operator " + who + " forced " + action
                            + " against the log's decision " + advice.decision() + ": " + reason);
        }
        return new ActionResult(action, target, found.participant(), "DONE", force, heuristic, (commit ? "committed" : "rolled back")
                + " on " + found.participant() + (heuristic ? "; forced against the log's decision " + advice.decision()
                        + ", recorded as a heuristic outcome: check the other branches of " + XidText.gtrid(found.xid())
                        : "; as the log decided (" + advice.decision() + ")"), id);
    }

    private ActionResult forgetLocked(String id, String target) {
        List<Found> prepared = scan();
        for (Found f : prepared) {
            if (f.text().equals(target)) {
                return new ActionResult("forget", target, f.participant(), "REFUSED", false, false, target
                        + " is prepared on " + f.participant() + ", not completed: forget is for what is already decided."
                        + " Commit or roll it back (see show for the recommendation)", id);
            }
        }
        PendingRecord record = recovery.atomikos().pendingRecords().stream().filter(r -> r.id().equals(target)).findFirst()
                .orElse(null);
        if (record == null) {
            return new ActionResult("forget", target, null, "NOT_FOUND", false, false, "neither a prepared branch nor a"
                    + " pending log record is named " + target + "; list and list --log show what there is", id);
        }
        long left = prepared.stream().filter(f -> XidText.gtrid(f.xid()).equals(target)).count();
        if (left > 0) {
            return new ActionResult("forget", target, null, "REFUSED", false, false, left + " branch(es) of " + target
                    + " are still prepared; forgetting its " + record.state() + " record would leave them to presumed abort."
                    + " Resolve them first", id);
        }
        if (recovery.atomikos().hasLiveCoordinator(target)) {
            return new ActionResult("forget", target, null, "REFUSED", false, false, "its transaction is still active in"
                    + " this process; it removes its record itself when it ends", id);
        }
        recovery.atomikos().forget(target);
        return new ActionResult("forget", target, null, "DONE", false, false, "the " + record.state()
                + " record is marked terminated in the recovery log; no branch of it was prepared anywhere", id);
    }

    // ---- helpers

    /** A prepared branch of this coordinator on one participant. */
    private record Found(String participant, Xid xid, String text, Supplier<XAResource> resource) {
    }

    /** Every prepared branch of this coordinator, scanning every participant, under the pass lock. */
    private List<Found> scan() {
        try {
            return recovery.exclusively(settings.lockWait(), this::scanLocked);
        } catch (TimeoutException e) {
            throw new IllegalStateException("busy: " + e.getMessage() + "; try again in a few seconds");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Found> scanLocked() {
        List<Found> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        CoordinatorIncarnation incarnation = recovery.incarnation();
        ParticipantMonitor monitor = recovery.participants();
        for (Map.Entry<String, Supplier<XAResource>> p : recovery.atomikos().participants().entrySet()) {
            String name = p.getKey();
            Instant now = recovery.clock().instant();
            try {
                Xid[] xids = BranchResolver.scan(recovery.atomikos(), name, p.getValue());
                int ours = 0;
                int others = 0;
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (Xid xid : xids) {
                    if (!incarnation.owns(xid)) {
                        others++;
                    } else if (seen.add(XidText.of(xid))) {
                        ours++;
                        found.add(new Found(name, xid, XidText.of(xid), p.getValue()));
                    }
                }
                monitor.reached(name, ours, others, now);
            } catch (XAException | RuntimeException e) {
                monitor.failed(name, "recover failed" + BranchResolver.describe(e), now);
                failures.add(name + ": recover failed" + BranchResolver.describe(e));
            }
        }
        if (!failures.isEmpty()) {
            // Listing only the reachable ones would tell the operator that nothing else is in doubt.
            throw new IllegalStateException("cannot scan every participant (" + String.join("; ", failures)
                    + "); what they hold is unknown until they are reachable again");
        }
        found.sort(Comparator.comparing(Found::text).thenComparing(Found::participant));
        return found;
    }

    private BranchView view(Found f) {
        Advice advice = recovery.resolver().advise(f.xid());
        String gtrid = XidText.gtrid(f.xid());
        String createdAt = recovery.incarnation().createdAt(gtrid).map(Instant::toString).orElse(null);
        return new BranchView(f.participant(), f.text(), gtrid, XidText.bqual(f.xid()), f.xid().getFormatId(), createdAt,
                advice.age().name(), advice.live(), advice.decision(), advice.recommendation().name(), advice.reason());
    }

    private static String checkInput(String target, boolean force, String reason) {
        if (target.isEmpty()) {
            return "name the branch by its XID as list shows it (gtrid:bqual)";
        }
        if (reason != null && reason.length() > MAX_REASON) {
            return "the reason is longer than " + MAX_REASON + " characters; shorten it";
        }
        if (force && (reason == null || reason.isBlank())) {
            return "a forced action needs a reason: it is a heuristic decision and the audit record must say why";
        }
        return null;
    }

    private ActionResult refused(String action, String target, Found found, String id, String why) {
        return new ActionResult(action, target, found.participant(), "REFUSED", false, false, why, id);
    }

    private static ActionResult busy(String action, String target, boolean force, String id, TimeoutException e) {
        return new ActionResult(action, target, null, "BUSY", force, false, e.getMessage()
                + "; nothing was done. Try again in a few seconds", id);
    }

    private static ActionResult unaudited(String action, String target, boolean force, IOException e) {
        log.error("{} refused: cannot write its audit record: {}", action, e.toString());
        return new ActionResult(action, target, null, "FAILED", force, false, "cannot write the audit record (" + e
                + "); nothing was done. Fix the audit file's directory (twophase.console.audit-file) and retry", null);
    }

    private ActionResult audited(String who, ActionResult r) {
        if (r.getAuditId() == null) {
            return r;
        }
        try {
            audit.outcome(r.getAuditId(), who, r.getAction(), r.getTarget(), r.getParticipant(), r.getOutcome(), r.isHeuristic(),
                    r.getMessage());
            return r;
        } catch (IOException e) {
            log.error("The outcome of audited action {} could not be written to the audit file: {}", r.getAuditId(), e.toString());
            return new ActionResult(r.getAction(), r.getTarget(), r.getParticipant(), r.getOutcome(), r.isForced(), r.isHeuristic(),
                    r.getMessage() + " (WARNING: the outcome record could not be written to the audit file: " + e + ")",
                    r.getAuditId());
        }
    }

    /** The remote JMX user calling, or {@code local} for an in-process or attached caller. */
    @SuppressWarnings("removal")
    static String currentOperator() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        if (subject != null) {
            for (Principal p : subject.getPrincipals()) {
                if (p instanceof JMXPrincipal) {
                    return p.getName();
                }
            }
            for (Principal p : subject.getPrincipals()) {
                return Objects.toString(p.getName());
            }
        }
        return "local";
    }
}
