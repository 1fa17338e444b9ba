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
        /**
         * Commits the branch in one phase through the participant's whole XA chain (timers, fault
         * points, timeline). Throws what the database answered.
         */
        void commitOnePhase() throws XAException;

        /** The probe found the branch committed although its one-phase commit failed: the second phase must not commit it again. */
        void committed();

        /**
         * After a one-phase commit that failed without saying rolled back: rolls the branch back on its own
         * connection, if that connection still has it open. True when it is now rolled back for certain.
         */
        boolean abandon();
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
    enum Outcome { COMMITTED, ROLLED_BACK, UNKNOWN }

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
    /** How many times, and how long each, the probe waits for a branch that is still open. */
    private final int probeAttempts;
    private final Duration probeTimeout;

    LastResource(Settings settings, int probeAttempts, Duration probeTimeout) {
        this.settings = settings;
        this.probeAttempts = probeAttempts;
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
        LastResource previous = current;
        current = settings == null ? null : new LastResource(settings, 12, Duration.ofSeconds(5));
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
     * @throws LogWriteException when the branch rolled back, or its outcome could not be found out:
     *         the COMMITTING record must not be written, and Atomikos rolls the others back
     */
    void decide(String gtrid) throws LogWriteException {
        Branch branch = branches.get(gtrid);
        if (branch == null) {
            throw new LogWriteException(new IllegalStateException("no branch of " + gtrid + " on the last resource"));
        }
        Exception failure;
        DECIDING.set(gtrid);
        try {
            branch.commitOnePhase();
            decided.incrementAndGet();
            return;
        } catch (XAException e) {
            if (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND) {
                throw new LogWriteException(e);
            }
            failure = e;
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            DECIDING.remove();
        }
        if (branch.abandon()) {
            // The commit never reached the database (e.g. refused on the way) and the branch is rolled back now.
            LOG.warn("The one-phase commit of {} on the last resource {} failed ({}); its branch is rolled back",
                    gtrid, settings.participant(), failure.toString());
            throw new LogWriteException(failure);
        }
        probed.incrementAndGet();
        LOG.warn("The one-phase commit of {} on the last resource {} gave no clear answer ({}); asking its table",
                gtrid, settings.participant(), failure.toString());
        Outcome outcome = probe(gtrid);
        switch (outcome) {
            case COMMITTED -> {
                LOG.warn("Transaction {} committed on the last resource {} although its commit call failed; committing the others",
                        gtrid, settings.participant());
                branch.committed();
                decided.incrementAndGet();
            }
            case ROLLED_BACK -> throw new LogWriteException(failure);
            default -> {
                LOG.error("HEURISTIC HAZARD: the outcome of transaction {} on the last resource {} is unknown after {} probes;"
                        + " the others are rolled back. Check table {} for gtrid '{}': a row there means {} committed alone",
                        gtrid, settings.participant(), probeAttempts, TABLE, gtrid, settings.participant());
                throw new LogWriteException(failure);
            }
        }
    }

    /**
     * Finds out whether the branch of {@code gtrid} committed, by inserting its row again in a new
     * transaction that is always rolled back.
     */
    Outcome probe(String gtrid) {
        for (int attempt = 1; attempt <= probeAttempts && !closed; attempt++) {
            try (Connection c = connect()) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement(insertSql())) {
                    insert.setQueryTimeout((int) Math.max(1, probeTimeout.toSeconds()));
                    insert.setString(1, gtrid);
                    insert.setString(2, settings.tmName());
                    insert.executeUpdate();
                    // The key was free: the branch rolled back, and this insert's lock kept it from committing since.
                    return Outcome.ROLLED_BACK;
                } catch (SQLException e) {
                    if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                        return Outcome.COMMITTED;
                    }
                    throw e;
                } finally {
                    rollbackQuietly(c);
                }
            } catch (SQLException e) {
                LOG.warn("Probe {} of {} for transaction {} found nothing yet: {}", attempt, probeAttempts, gtrid, e.getMessage());
                sleep(Duration.ofMillis(500));
            }
        }
        return Outcome.UNKNOWN;
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
