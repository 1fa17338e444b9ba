package dev.twophase.coordinator.console;

import java.util.List;

/**
 * The recovery console of one coordinator, registered as {@value ConsoleNames#COORDINATOR}.
 *
 * <p>Branches are named by their XID text {@code gtrid:bqual} ({@link dev.twophase.coordinator.xa.XidText#of}),
 * as {@link #listInDoubtBranches()} shows them. Read operations ({@code list*}, {@code show*}) need the
 * {@code monitor} role over remote JMX; actions need {@code operator}. Every action is audited.
 */
public interface CoordinatorMXBean {

    /** This coordinator's {@code twophase.coordinator.tm-name}. */
    String getTmName();

    /** The directory of the recovery log (absolute). */
    String getLogDirectory();

    /** The audit file of operator actions (absolute). */
    String getAuditFile();

    /**
     * TM names of other instances this one is recovering for now, after their lease expired
     * ({@code twophase.coordinator.takeover.enabled}); empty when takeover is off.
     */
    List<String> getRecoveringFor();

    /** The latest takeovers of other instances' TM names, newest first, one line each; empty when takeover is off. */
    List<String> listTakeovers();

    /** Transactions committed since start (every transaction begun through Spring's transaction manager). */
    long getCommitted();

    /** Transactions rolled back since start. */
    long getRolledBack();

    /**
     * Heuristic events since start: transactions whose commit ended with a heuristic outcome, plus
     * branch-level heuristic outcomes recorded in phase 2, by recovery and by forced operator
     * decisions (one transaction can count in both).
     */
    long getHeuristic();

    /** Transactions begun and not yet completed. */
    long getInFlight();

    /** Startup recovery: {@code RECOVERING}, {@code COMPLETE} or {@code OVERDUE}. */
    String getRecoveryState();

    /** Prepared branches of this coordinator on all participants, as the latest scan found them. */
    int getInDoubt();

    /** Records of the recovery log that are not terminated: commit decisions and others. */
    List<LogRecordView> listLogRecords();

    /**
     * Scans every participant now and lists the prepared branches of this coordinator, each joined
     * with the log's decision and a recommended action.
     */
    List<BranchView> listInDoubtBranches();

    /**
     * The in-doubt branches whose XID text or gtrid equals {@code xidOrGtrid} (a fresh scan); empty
     * when none is prepared anywhere.
     */
    List<BranchView> showBranch(String xidOrGtrid);

    /**
     * Commits one prepared branch. Without {@code force}, only where the log holds the commit
     * decision; with it, anywhere, recorded as a heuristic decision. {@code reason} is audited.
     */
    ActionResult commit(String xid, boolean force, String reason);

    /**
     * Rolls back one prepared branch. Without {@code force}, only where the log holds no commit
     * decision; with it, anywhere, recorded as a heuristic decision. {@code reason} is audited.
     */
    ActionResult rollback(String xid, boolean force, String reason);

    /**
     * Forgets a heuristically completed branch on its participant ({@code XAResource.forget}), or
     * a log record (by gtrid) none of whose branches is prepared any more.
     */
    ActionResult forget(String xidOrGtrid, String reason);

    /** Starts a recovery pass now, in the background; returns at once with what was started. */
    ActionResult recoverNow();
}
