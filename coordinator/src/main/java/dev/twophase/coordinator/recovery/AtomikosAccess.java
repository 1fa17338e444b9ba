package dev.twophase.coordinator.recovery;

import java.util.Map;
import java.util.function.Supplier;

import javax.transaction.xa.XAResource;

/**
 * What {@link PromptRecovery} needs from the running Atomikos; a seam so that the decisions can be
 * tested without one. {@link LiveAtomikos} is the real thing.
 */
public interface AtomikosAccess {

    /** XA resources registered with Atomikos now, by unique name, each giving its recovery XAResource. */
    Map<String, Supplier<XAResource>> participants();

    /**
     * Whether this process still has a coordinator for the root transaction with this id, i.e. it
     * has neither terminated nor been abandoned. {@code true} when that cannot be told.
     */
    boolean hasLiveCoordinator(String gtrid);

    /** What the recovery log holds now for the transaction with this id. */
    LogEntry logEntry(String gtrid);

    /** Marks the transaction terminated in the recovery log. */
    void forget(String gtrid);

    /** Whether Atomikos may create subtransactions, whose ids are not root ids. */
    boolean subtransactionsAllowed();

    /**
     * Whether this process still owns its recovery log. False once a log store another process can
     * take over (the PostgreSQL store) lost its lease: recovery must then leave the TM name's branches
     * to the new owner, whose log holds the current decisions.
     */
    default boolean ownsLog() {
        return true;
    }

    /**
     * Whether the log refused this transaction's commit decision: the COMMITTING write failed and the
     * log was rewritten without it since. Atomikos told the caller it rolled back, yet keeps the
     * coordinator in memory (IN_DOUBT) until its in-doubt timeout, so it still looks live.
     */
    default boolean decisionRefused(String gtrid) {
        return false;
    }

    /** What the logging last resource answers about a transaction ({@code dev.twophase.coordinator.log.LastResource}). */
    enum LastResourceAnswer {
        /** Its branch there committed: the log now holds the commit decision. */
        COMMITTED,
        /** Its branch there rolled back or is fenced off: it can never commit, abort may be presumed. */
        ROLLED_BACK,
        /** No answer (unreachable, or the branch is still open): wait. */
        UNKNOWN
    }

    /**
     * For a transaction whose decision's outcome the last resource left unknown: asks again, and makes the log
     * say what it answers (a COMMITTING record, or a refused decision). {@code null} when its outcome is not
     * unknown, or no last resource runs.
     */
    default LastResourceAnswer settleLastResource(String gtrid) {
        return null;
    }

    /**
     * Before abort is presumed for a transaction of an earlier run with no commit decision: makes sure its
     * branch on the last resource can never commit. COMMITTED when it had (the log now holds the decision).
     * {@code null} when no last resource runs.
     */
    default LastResourceAnswer fenceLastResource(String gtrid) {
        return null;
    }

    /**
     * Makes Atomikos replace the participant's recovery XAResource after a scan failed with it.
     *
     * @return whether it was replaced; {@code false} when that is not possible
     */
    default boolean refresh(String participant) {
        return false;
    }

    /** Every record of the recovery log that is not terminated, for the console. */
    default java.util.List<PendingRecord> pendingRecords() {
        return java.util.List.of();
    }

    /**
     * A recovery log record that is not terminated.
     *
     * @param expires when its transaction times out (epoch millis); Atomikos purges it as orphaned
     *        {@code forget_orphaned_log_entries_delay} after that
     */
    record PendingRecord(String id, String state, long expires) {
    }

    /** A recovery log record as far as recovery cares. */
    record LogEntry(Kind kind, String state) {

        static final LogEntry NONE = new LogEntry(Kind.NONE, "none");
        static final LogEntry COMMITTING = new LogEntry(Kind.COMMITTING, "COMMITTING");

        enum Kind {
            /** The commit decision was logged (for the transaction or an ancestor): commit. */
            COMMITTING,
            /** Some other record, e.g. IN_DOUBT of a subtransaction: Atomikos's business. */
            OTHER,
            /** No record: no commit decision was ever logged, or it was forgotten after completion. */
            NONE
        }
    }
}
