package dev.twophase.coordinator.log;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.transaction.xa.XAException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.recovery.LogWriteException;

/**
 * The logging last resource (LLR, {@code twophase.coordinator.last-resource}): one database
 * participant whose branch is never prepared. Its one-phase commit is the commit decision, and the
 * decision's record is a row of {@value #TABLE} that the branch itself inserted, so the record is
 * durable exactly when the branch's work is.
 *
 * <p>How a transaction with the last resource and other participants ends:
 * <ol>
 * <li>When the branch starts, the XA chain registers it here ({@link #enlisted}) and holds back its end.</li>
 * <li>Atomikos prepares every participant; the last resource's prepare is no database prepare: it
 *     inserts the row {@code (gtrid, tm_name)} in the open branch ({@link #insertSql}), ends it and
 *     votes yes.</li>
 * <li>When Atomikos logs its COMMITTING record, {@link OnePhaseAwareLog} first commits the last
 *     resource's branch in one phase, through the whole XA chain ({@link #decide}): the decision point.
 *     Only then is the COMMITTING record written; if the branch rolled back, the record is refused and
 *     Atomikos rolls the others back.</li>
 * <li>The other participants are committed; the last resource's second-phase commit does nothing.</li>
 * <li>When the transaction is TERMINATED, its row is deleted in the background ({@link #terminated}).</li>
 * </ol>
 * A crash after the one-phase commit and before the COMMITTING record was forced is covered by the
 * row: when the log opens, every row of this TM name that the log lacks becomes a COMMITTING record
 * ({@link #committedIds}, {@link GroupCommitLog#adoptDecisions}), so recovery commits the other
 * participants instead of presuming abort. A crash before the one-phase commit leaves the branch
 * unprepared: the database rolls it back with its connection, and the others are presumed aborted.
 *
 * <p>When the one-phase commit fails without saying rolled back (a lost connection), the outcome is
 * found by inserting the same row in a new transaction ({@link #probe}): a unique-key violation means
 * the branch committed; success means it rolled back and, holding the key, never can commit; a wait
 * means the branch is still open, and the probe tries again. Configured once per coordinator, before
 * Atomikos starts ({@link #configure}).
 */
public final class LastResource {

    private static final Logger LOG = LoggerFactory.getLogger(LastResource.class);

    /** The table of commit records, in the last resource's database. */
    public static final String TABLE = "twophase_llr_commit";

    /** Where the last resource is and what this coordinator is called. */
    public record Settings(String participant, String url, String username, String password, String tmName) {

        public Settings {
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(tmName, "tmName");
        }

        @Override
        public String toString() {
            return "LastResource.Settings[participant=" + participant + ", url=" + url + ", username=" + username + ", tmName=" + tmName + "]";
        }
    }

    /** The one branch of a transaction on the last resource. */
    public interface Branch {
        /** The branch's XA id (what an operator looks for). */
        javax.transaction.xa.Xid xid();

        /**
         * Commits the branch in one phase through the participant's whole XA chain (timers, fault
         * points, timeline). Throws what the database answered.
         */
        void commitOnePhase() throws XAException;

        /** The probe found the branch committed although its one-phase commit failed: the second phase must not commit it again. */
        void committed();

        /**
         * After a one-phase commit that failed without saying rolled back, or a decision refused before it:
         * rolls the branch back on its own connection, if that connection still has it open. True when the
         * driver said so; not trusted as the outcome (H2 answers a rollback of a branch that committed
         * without error), the probe decides.
         */
        boolean abandon();

        /** The probe found the branch rolled back: its rollback must not go to the database again. */
        default void rolledBack() {
        }
    }

    /** The transaction whose decision this thread is committing, if any ({@link #deciding}). */
    private static final ThreadLocal<String> DECIDING = new ThreadLocal<>();

    /**
     * Whether this thread is committing {@code gtrid}'s last-resource branch as the transaction's
     * decision, as opposed to Atomikos committing a transaction whose only branch it is.
     */
    public static boolean deciding(String gtrid) {
        return gtrid.equals(DECIDING.get());
    }

    /** What the probe found out about a branch whose one-phase commit gave no clear answer. */
    public enum Outcome {
        /** The branch committed: the transaction is decided commit. */
        COMMITTED,
        /** The branch rolled back, or is fenced off and can never commit: the transaction may be rolled back. */
        ROLLED_BACK,
        /** No answer yet (the database is unreachable, or the branch still holds its row's lock): wait. */
        UNKNOWN
    }

    /**
     * The decision's outcome is unknown: the one-phase commit failed without saying rolled back and the
     * probe found no answer before its deadline. Neither a commit nor a refusal: the log keeps no record,
     * the others stay prepared, and recovery asks again ({@link #settle}) until the database answers.
     */
    static final class OutcomeUnknown extends LogWriteException {
        private static final long serialVersionUID = 1L;

        OutcomeUnknown(Throwable cause) {
            super(cause);
        }
    }

    /** The tm_name of a row that fences a transaction off the last resource: its branch there can never commit. */
    static final String FENCE = "twophase:fenced";

    /** How long a fence row is kept: far longer than any branch of a fenced transaction can stay open. */
    static final Duration FENCE_KEPT = Duration.ofDays(1);

    /** Set on the committing thread when its decision's outcome became unknown ({@link #takeUnknownOutcome}). */
    private static final ThreadLocal<String> UNKNOWN_HERE = new ThreadLocal<>();

    /** Told of each decision whose outcome became unknown: the participant, the branch's xid and what to look for. */
    @FunctionalInterface
    public interface UnknownOutcomeListener {
        void unknown(String participant, javax.transaction.xa.Xid xid, String detail);
    }

    private static final List<UnknownOutcomeListener> UNKNOWN_LISTENERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds a listener of decisions whose outcome became unknown; closing the handle removes it. */
    public static AutoCloseable onUnknownOutcome(UnknownOutcomeListener listener) {
        UNKNOWN_LISTENERS.add(Objects.requireNonNull(listener, "listener"));
        return () -> UNKNOWN_LISTENERS.remove(listener);
    }

    /**
     * Whether the commit this thread just ran ended with the last resource's outcome unknown (and forgets
     * it): Atomikos tells the caller "rolled back" for any failed decision, which here would be untrue.
     */
    public static boolean takeUnknownOutcome() {
        String gtrid = UNKNOWN_HERE.get();
        UNKNOWN_HERE.remove();
        return gtrid != null;
    }

    private static volatile LastResource current;
    private static volatile List<Settings> formers = List.of();

    private final Settings settings;
    private final Map<String, Branch> branches = new ConcurrentHashMap<>();
    /** Transactions whose row may be committed in the table: written by a branch of this process, or adopted at start. */
    private final Set<String> rows = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<String> toDelete = new LinkedBlockingQueue<>();
    private final AtomicLong decided = new AtomicLong();
    private final AtomicLong probed = new AtomicLong();
    private final Thread deleter;
    private volatile boolean closed;
    /** Decisions whose outcome is unknown, with when that was found: recovery asks again ({@link #settle}). */
    private final Map<String, java.time.Instant> unknown = new ConcurrentHashMap<>();
    /** How long, by the wall clock, the probe keeps asking at the decision; how long each attempt may wait. */
    private final Duration probeDeadline;
    private final Duration probeTimeout;

    LastResource(Settings settings, Duration probeDeadline, Duration probeTimeout) {
        this.settings = settings;
        this.probeDeadline = probeDeadline;
        this.probeTimeout = probeTimeout;
        this.deleter = new Thread(this::deleteTerminatedRows, "twophase-llr-cleanup");
        this.deleter.setDaemon(true);
        this.deleter.start();
    }

    /**
     * Sets the last resource for the next start of Atomikos ({@code null}: none), replacing (and
     * closing) the one before. Called by the coordinator's configuration, before Atomikos opens its log.
     */
    public static synchronized void configure(Settings settings) {
        configure(settings, PROBE_DEADLINE);
    }

    /** How long the probe keeps asking at the decision before the outcome is left unknown to recovery. */
    public static final Duration PROBE_DEADLINE = Duration.ofSeconds(30);

    /** How long one attempt of the probe (or a fence) may wait: to connect, or on a branch still holding its row. */
    static final Duration PROBE_ATTEMPT = Duration.ofSeconds(5);

    /**
     * {@link #configure(Settings)} with how long the probe keeps asking, by the wall clock, when the decision's
     * commit gave no answer ({@code twophase.coordinator.last-resource-probe-deadline}).
     */
    public static synchronized void configure(Settings settings, Duration probeDeadline) {
        configure(settings, probeDeadline, PROBE_ATTEMPT);
    }

    /** {@link #configure(Settings)} with another probe deadline and attempt timeout (tests). */
    static synchronized void configure(Settings settings, Duration probeDeadline, Duration probeAttempt) {
        LastResource previous = current;
        current = settings == null ? null : new LastResource(settings, probeDeadline, probeAttempt);
        if (previous != null) {
            previous.close();
        }
    }

    /** The configured last resource, or {@code null} when none is. */
    public static LastResource current() {
        return current;
    }

    /**
     * The other JDBC participants, for the next start of the log: any of them may have been the last
     * resource before the setting changed (or was switched off), and a crash then may have left a
     * decision in its table that the log lacks. The log adopts such rows when it opens
     * ({@code LogStores}) and deletes them once its COMMITTING records are forced.
     */
    public static synchronized void configureFormers(List<Settings> others) {
        formers = List.copyOf(others);
    }

    /** See {@link #configureFormers}. */
    static List<Settings> formers() {
        return formers;
    }

    /** Where this last resource is. */
    public Settings settings() {
        return settings;
    }

    /** The participant that runs as the last resource. */
    public String participant() {
        return settings.participant();
    }

    /** This coordinator's TM name, which the rows carry. */
    public String tmName() {
        return settings.tmName();
    }

    /** The insert a branch runs when it starts: parameters gtrid and TM name. */
    public static String insertSql() {
        return "INSERT INTO " + TABLE + " (gtrid, tm_name) VALUES (?, ?)";
    }

    /**
     * Registers the branch of {@code gtrid} on the last resource, whose row it has just inserted.
     *
     * @throws IllegalStateException when the transaction has another branch there already: two
     *         branches cannot both be committed at one decision point
     */
    public void enlisted(String gtrid, Branch branch) {
        Branch before = branches.putIfAbsent(gtrid, branch);
        if (before != null && before != branch) {
            throw new IllegalStateException("transaction " + gtrid + " already has a branch on the last resource "
                    + settings.participant() + "; it must use one connection there");
        }
        rows.add(gtrid);
    }

    /** The branch has ended (committed or rolled back); a rolled-back branch left no row. */
    public void delisted(String gtrid, Branch branch, boolean rolledBack) {
        branches.remove(gtrid, branch);
        if (rolledBack) {
            rows.remove(gtrid);
        }
    }

    /** Whether {@code gtrid} has a branch on the last resource in this process. */
    boolean involves(String gtrid) {
        return branches.containsKey(gtrid);
    }

    /**
     * The commit decision of a transaction with a branch on the last resource: commits that branch in
     * one phase. Returns normally when it committed (the decision is commit, durable in the table).
     *
     * @param stillOwner asked right before the commit: whether this process still owns its log (a log
     *        another node can take over, {@code log-store=postgresql}). A node that lost it must not decide:
     *        the new owner may already have presumed abort for the others.
     * @throws OutcomeUnknown when neither the commit nor the probe answered (see there)
     * @throws LogWriteException when the branch rolled back, or was rolled back here: the COMMITTING record
     *         must not be written, and Atomikos rolls the others back
     */
    void decide(String gtrid, java.util.function.BooleanSupplier stillOwner) throws LogWriteException {
        Branch branch = branches.get(gtrid);
        if (branch == null) {
            throw new LogWriteException(new IllegalStateException("no branch of " + gtrid + " on the last resource"));
        }
        if (!stillOwner.getAsBoolean()) {
            // Not ours to decide any more. Rolled back so that the new owner's probe finds it so at once.
            branch.abandon();
            refused(gtrid);
            LOG.warn("Transaction {} is not committed: this coordinator lost its log's lease before the decision; the TM name's new"
                    + " owner finishes its other branches", gtrid);
            throw new LogWriteException(new IllegalStateException("this coordinator does not own its log any more"));
        }
        Exception failure;
        DECIDING.set(gtrid);
        try {
            branch.commitOnePhase();
            decided.incrementAndGet();
            return;
        } catch (XAException e) {
            if (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND) {
                refused(gtrid);
                throw new LogWriteException(e);
            }
            failure = e;
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            DECIDING.remove();
        }
        // Roll back what may still be open on the branch's own connection, then ask the table in any case: a
        // driver's rollback that "succeeds" does not prove the commit never happened (H2).
        boolean abandoned = branch.abandon();
        probed.incrementAndGet();
        LOG.warn("The one-phase commit of {} on the last resource {} gave no clear answer ({}); {}asking its table", gtrid,
                settings.participant(), failure.toString(), abandoned ? "its branch is rolled back on its connection; " : "");
        Outcome outcome = probe(gtrid, probeDeadline);
        switch (outcome) {
            case COMMITTED -> {
                LOG.warn("Transaction {} committed on the last resource {} although its commit call failed; committing the others",
                        gtrid, settings.participant());
                branch.committed();
                decided.incrementAndGet();
            }
            case ROLLED_BACK -> {
                branch.rolledBack();
                refused(gtrid);
                throw new LogWriteException(failure);
            }
            default -> {
                unknown.put(gtrid, java.time.Instant.now());
                UNKNOWN_HERE.set(gtrid);
                String detail = "the one-phase commit on the last resource " + settings.participant() + " failed (" + failure
                        + ") and its table gave no answer for " + probeDeadline.toSeconds() + " s; the other participants stay"
                        + " prepared and recovery keeps asking. A row with gtrid '" + gtrid + "' in " + TABLE + " means it committed";
                LOG.error("HEURISTIC HAZARD: the outcome of transaction {} is unknown: {}", gtrid, detail);
                for (UnknownOutcomeListener listener : UNKNOWN_LISTENERS) {
                    try {
                        listener.unknown(settings.participant(), branch.xid(), detail);
                    } catch (RuntimeException e) {
                        LOG.warn("A listener of unknown outcomes failed; the hazard is logged anyway", e);
                    }
                }
                throw new OutcomeUnknown(failure);
            }
        }
    }

    /** The transaction is rolled back on the last resource: no row of it will need deleting. */
    private void refused(String gtrid) {
        rows.remove(gtrid);
    }

    /** Whether the outcome of {@code gtrid}'s decision is unknown (the commit and the probe gave no answer). */
    public boolean outcomeUnknown(String gtrid) {
        return unknown.containsKey(gtrid);
    }

    /**
     * Asks the table once more about a decision whose outcome is unknown ({@link #outcomeUnknown}), in one
     * attempt; recovery calls it on each pass and, once the log has recorded a final answer, {@link #settled}.
     */
    Outcome ask(String gtrid) {
        return probe(gtrid, Duration.ZERO);
    }

    /** The log has recorded the final outcome {@link #ask} found: the transaction leaves the unknown ones. */
    void settled(String gtrid, Outcome outcome) {
        unknown.remove(gtrid);
        Branch branch = branches.get(gtrid);
        if (outcome == Outcome.ROLLED_BACK) {
            if (branch != null) {
                branch.rolledBack();
            }
            refused(gtrid);
        } else if (branch != null) {
            branch.committed();
        }
        LOG.warn("The outcome of transaction {} on the last resource {} is known now: {}", gtrid, settings.participant(), outcome);
    }

    /**
     * Finds out whether the branch of {@code gtrid} committed, by inserting its row again in a new
     * transaction that is always rolled back. A branch still open holds the row's lock: the insert waits
     * for it up to the attempt's timeout. Connections time out too, so a database that does not answer
     * costs at most the deadline (by the wall clock), and at least one attempt is made.
     */
    Outcome probe(String gtrid, Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        for (int attempt = 1; !closed; attempt++) {
            try (Connection c = connectWithTimeouts(settings, probeTimeout)) {
                c.setAutoCommit(false);
                try {
                    // The key was free: the branch rolled back, and this insert's lock kept it from committing since.
                    return insertRow(c, gtrid, settings.tmName()) ? Outcome.ROLLED_BACK : Outcome.COMMITTED;
                } finally {
                    rollbackQuietly(c);
                }
            } catch (SQLException e) {
                LOG.warn("Probe {} for transaction {} on the last resource {} found nothing yet: {}", attempt, gtrid, settings.participant(),
                        e.getMessage());
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500) >= until) {
                return Outcome.UNKNOWN;
            }
            sleep(Duration.ofMillis(500));
        }
        return Outcome.UNKNOWN;
    }

    /**
     * Before a transaction with no commit decision is presumed aborted by recovery or a takeover, makes
     * sure its branch on this last resource can never commit: inserts and commits a fence row under its
     * gtrid ({@value #FENCE} as its TM name, so that it is never read as a decision). A branch that has not
     * inserted its row yet then fails to (and votes no); one that holds it open makes the fence wait, so the
     * answer is UNKNOWN; a committed branch's row makes it COMMITTED.
     *
     * @param tmName the TM name whose row would be the decision
     */
    public Outcome fence(String gtrid, String tmName) {
        try (Connection c = connectWithTimeouts(settings, probeTimeout)) {
            c.setAutoCommit(true);
            if (insertRow(c, gtrid, FENCE)) {
                LOG.info("Fenced transaction {} off the last resource {} before presuming abort", gtrid, settings.participant());
                return Outcome.ROLLED_BACK;
            }
            try (PreparedStatement select = c.prepareStatement("SELECT tm_name FROM " + TABLE + " WHERE gtrid = ?")) {
                select.setString(1, gtrid);
                try (ResultSet r = select.executeQuery()) {
                    if (!r.next()) {
                        // Deleted meanwhile: only rows of finished transactions and old fences are.
                        return Outcome.UNKNOWN;
                    }
                    String owner = r.getString(1);
                    return FENCE.equals(owner) ? Outcome.ROLLED_BACK : tmName.equals(owner) ? Outcome.COMMITTED : Outcome.UNKNOWN;
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not fence transaction {} off the last resource {}; not presuming abort yet: {}", gtrid, settings.participant(),
                    e.getMessage());
            return Outcome.UNKNOWN;
        }
    }

    /**
     * Inserts the row {@code (gtrid, tmName)}, waiting at most one attempt's timeout on a branch that holds it.
     *
     * @return true when inserted, false when the key is taken (a unique-key violation)
     */
    private boolean insertRow(Connection c, String gtrid, String tmName) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(insertSql())) {
            insert.setQueryTimeout((int) Math.max(1, probeTimeout.toSeconds()));
            insert.setString(1, gtrid);
            insert.setString(2, tmName);
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    /** The transaction is over on every participant: its row may go. */
    void terminated(String gtrid) {
        if (rows.remove(gtrid)) {
            toDelete.add(gtrid);
        }
    }

    /**
     * Creates the table if it is missing; portable SQL (PostgreSQL, MySQL/MariaDB, H2). Called once the
     * application's own migrations have run (a table of ours in an empty schema would make Flyway refuse
     * to start a new database), before any transaction.
     */
    public void ensureTable() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (gtrid VARCHAR(128) NOT NULL PRIMARY KEY,"
                    + " tm_name VARCHAR(128) NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            try (PreparedStatement old = c.prepareStatement("DELETE FROM " + TABLE + " WHERE tm_name = ? AND created_at < ?")) {
                old.setString(1, FENCE);
                old.setTimestamp(2, java.sql.Timestamp.from(java.time.Instant.now().minus(FENCE_KEPT)));
                old.executeUpdate();
            }
        }
    }

    /**
     * The transactions of {@code tmName} whose branch on the last resource committed and whose row was
     * not yet deleted: each of them was decided commit. None when the table does not exist yet.
     */
    public List<String> committedIds(String tmName) throws SQLException {
        return committedIds(settings, tmName);
    }

    /**
     * The commit decisions of {@code tmName} in the tables of the last resource and of every other JDBC
     * participant ({@link #configureFormers}), for a takeover of a dead coordinator's log. A table of
     * another participant that cannot be read is named in {@code unreadable} (as when the log opens:
     * not fatal, or every participant would have to be up for a takeover).
     *
     * @throws SQLException when the last resource's own table cannot be read
     */
    public static java.util.Set<String> committedIdsEverywhere(String tmName, List<String> unreadable) throws SQLException {
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        LastResource lastResource = current;
        if (lastResource != null) {
            ids.addAll(lastResource.committedIds(tmName));
        }
        for (Settings settings : formers) {
            try {
                ids.addAll(committedIds(settings, tmName));
            } catch (SQLException | RuntimeException e) {
                unreadable.add("participant " + settings.participant() + "'s table " + TABLE + " could not be read (" + e.getMessage()
                        + "): a commit decision there, if it ran as the last resource before, was not seen");
            }
        }
        return ids;
    }

    /** {@link #committedIds(String)} in the table of a participant that is not (or no longer) the last resource. */
    static List<String> committedIds(Settings settings, String tmName) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = connect(settings)) {
            if (!tableExists(c)) {
                // Never used on this database: no decision can be there.
                return ids;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT gtrid FROM " + TABLE + " WHERE tm_name = ?")) {
                s.setString(1, tmName);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
            }
        }
        return ids;
    }

    private static boolean tableExists(Connection c) throws SQLException {
        java.sql.DatabaseMetaData meta = c.getMetaData();
        for (String name : List.of(TABLE, TABLE.toUpperCase(java.util.Locale.ROOT))) {
            try (ResultSet r = meta.getTables(c.getCatalog(), null, name, new String[] {"TABLE"})) {
                if (r.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Rows adopted by the log at start: deleted once recovery has finished their transactions. */
    void adopted(Collection<String> ids) {
        rows.addAll(ids);
    }

    /** Counters: decisions taken, probes run, rows waiting to be deleted. */
    public record Stats(long decisions, long probes, int rowsPending) {
    }

    public Stats stats() {
        return new Stats(decided.get(), probed.get(), rows.size() + toDelete.size());
    }

    private Connection connect() throws SQLException {
        return connect(settings);
    }

    private static Connection connect(Settings settings) throws SQLException {
        return DriverManager.getConnection(settings.url(), settings.username(), settings.password() == null ? "" : settings.password());
    }

    /**
     * A connection whose connect, login and reads give up after {@code timeout}: the probe must not hang on a
     * database that accepts no connection or never answers. The drivers' own properties (PostgreSQL counts in
     * seconds, MySQL and MariaDB in milliseconds); DriverManager's login timeout would change every caller's.
     */
    static Connection connectWithTimeouts(Settings settings, Duration timeout) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        if (settings.username() != null) {
            p.setProperty("user", settings.username());
        }
        p.setProperty("password", settings.password() == null ? "" : settings.password());
        long seconds = Math.max(1, timeout.toSeconds());
        if (settings.url().startsWith("jdbc:postgresql:")) {
            p.setProperty("connectTimeout", Long.toString(seconds));
            p.setProperty("loginTimeout", Long.toString(seconds));
            // Above the statement's own timeout, which cancels a wait on a lock cleanly.
            p.setProperty("socketTimeout", Long.toString(seconds * 2));
        } else if (settings.url().startsWith("jdbc:mysql:") || settings.url().startsWith("jdbc:mariadb:")) {
            p.setProperty("connectTimeout", Long.toString(seconds * 1000));
            p.setProperty("socketTimeout", Long.toString(seconds * 2000));
        }
        return DriverManager.getConnection(settings.url(), p);
    }

    /** Deletes the rows of terminated transactions, in batches, on its own thread. */
    private void deleteTerminatedRows() {
        while (!closed) {
            List<String> batch = new ArrayList<>();
            try {
                String first = toDelete.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                toDelete.drainTo(batch, 499);
                delete(batch);
                // Let the next batch gather: one statement for many transactions.
                sleep(Duration.ofMillis(200));
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                // Harmless: a leftover row becomes a COMMITTING record at the next start, which recovery forgets again.
                LOG.warn("Could not delete {} row(s) of finished transactions from {}: {}", batch.size(), TABLE, e.getMessage());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    void delete(List<String> ids) throws SQLException {
        delete(settings, ids);
    }

    static void delete(Settings settings, List<String> ids) throws SQLException {
        String marks = String.join(",", Collections.nCopies(ids.size(), "?"));
        try (Connection c = connect(settings); PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE gtrid IN (" + marks + ")")) {
            c.setAutoCommit(true);
            for (int i = 0; i < ids.size(); i++) {
                s.setString(i + 1, ids.get(i));
            }
            s.executeUpdate();
        }
    }

    private void close() {
        closed = true;
        deleter.interrupt();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is closed next anyway, which rolls back.
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
