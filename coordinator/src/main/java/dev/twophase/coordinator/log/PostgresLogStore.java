package dev.twophase.coordinator.log;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.atomikos.recovery.LogException;
import com.atomikos.recovery.LogReadException;
import com.atomikos.recovery.LogWriteException;
import com.atomikos.recovery.PendingTransactionRecord;
import com.atomikos.recovery.TxState;

/**
 * The coordinator log in PostgreSQL, so that it outlives the node: one row per pending transaction
 * of a TM name ({@code twophase_log_record}), and the TM name's owner with a lease and a fencing
 * epoch ({@code twophase_log_owner}). Schema: {@code sql/coordinator-log/postgresql}, applied with
 * Flyway by {@link LogStores} before the store opens.
 *
 * <p><b>Group commit.</b> {@link GroupCommitLog} hands over a batch; {@link #append} writes it in
 * one database transaction (one commit, one WAL flush on the server) and returns after the commit.
 *
 * <p><b>Ownership.</b> Opening takes the TM name's lease: a row nobody holds, or whose lease expired,
 * is taken with the next epoch; a live lease of another process refuses the start with a message
 * naming the owner. A background task renews the lease every third of its length. Every append and
 * checkpoint first renews the lease <em>for this epoch</em> in the same transaction: once another
 * process took the TM name over (a new epoch), the update matches nothing and the write fails, so a
 * paused or partitioned process can never write a decision again; it is fenced and says so. Closing
 * releases the lease.
 */
public final class PostgresLogStore implements LogStore {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLogStore.class);

    private final Settings settings;
    private final String tmName;
    private final String owner;
    private Connection connection;
    private long epoch;
    private volatile boolean fenced;
    /** System.nanoTime() before the statement that last extended the lease: it runs at least until then plus the lease. */
    private volatile long leaseFrom;
    private final ScheduledExecutorService renewal;

    /**
     * Where the log is and how long a lease lasts.
     *
     * @param url JDBC URL of the PostgreSQL database holding the log
     * @param username database user
     * @param password database password
     * @param lease how long the TM name stays owned without a renewal; a surviving node may take it over after that
     */
    public record Settings(String url, String username, String password, Duration lease) {

        @Override
        public String toString() {
            return "PostgresLogStore.Settings[url=" + url + ", username=" + username + ", lease=" + lease + "]";
        }
    }

    private PostgresLogStore(Settings settings, String tmName) {
        this.settings = settings;
        this.tmName = tmName;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.renewal = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twophase-log-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the log of {@code tmName}: takes its lease (refusing a live lease of another process)
     * and starts renewing it.
     *
     * @throws LogException when the database cannot be reached or another process owns the TM name
     */
    public static PostgresLogStore open(Settings settings, String tmName) throws LogException {
        PostgresLogStore store = new PostgresLogStore(settings, tmName);
        store.acquire();
        long period = Math.max(100, settings.lease().toMillis() / 3);
        store.renewal.scheduleWithFixedDelay(store::renew, period, period, TimeUnit.MILLISECONDS);
        return store;
    }

    /** The epoch this process owns the TM name with. */
    public long epoch() {
        return epoch;
    }

    /** Whether another process has taken this TM name over: every write now fails. */
    public boolean fenced() {
        return fenced;
    }

    /**
     * Whether this process may act as the TM name's owner: not fenced, and its lease has not run out
     * by its own clock. A process that was paused or cut off past its lease must assume another has
     * taken over before its next renewal tells it so; it owns the log again once a renewal succeeds.
     */
    @Override
    public boolean owned() {
        return !fenced && System.nanoTime() - leaseFrom < settings.lease().toNanos();
    }

    /**
     * Takes the TM name's log. A live lease of another process is waited out once: a crashed
     * predecessor (a restarted container, a halted process) holds its lease until it runs out, and
     * its successor should start then rather than fail. A lease still live after that wait belongs
     * to a running instance, which renews it: the start is refused.
     */
    private void acquire() throws LogException {
        long start = System.nanoTime();
        long deadline = start + settings.lease().toNanos() + TimeUnit.SECONDS.toNanos(1);
        // A survivor's takeover holds the name only while it finishes the name's branches: wait for it
        // to end (it renews its lease as it goes), for at most ten leases.
        long takeoverLimit = start + 10 * settings.lease().toNanos();
        while (true) {
            LiveOwner live = attempt();
            if (live == null) {
                return;
            }
            if (live.owner().startsWith(PostgresLogTakeover.OWNER_PREFIX)) {
                deadline = Math.max(deadline, Math.min(takeoverLimit, System.nanoTime() + settings.lease().toNanos()
                        + TimeUnit.SECONDS.toNanos(1)));
            }
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                throw new LogException("the coordinator log of TM name '" + tmName + "' in " + settings.url()
                        + " is owned by " + live.owner() + " until " + live.until()
                        + ": another instance with this tm-name is running. Give this instance its own"
                        + " twophase.coordinator.tm-name, or stop the other one (its lease of " + settings.lease()
                        + " must expire, or be released by a clean shutdown)");
            }
            long waitMillis = Math.max(50, Math.min(live.remainingMillis() + 100, TimeUnit.NANOSECONDS.toMillis(remainingNanos)));
            LOG.info("The coordinator log of {} is leased to {} until {}; waiting {} ms for the lease to run out", tmName,
                    live.owner(), live.until(), waitMillis);
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LogException("interrupted while waiting for the lease of " + tmName + " held by " + live.owner());
            }
        }
    }

    /** Another process's live lease: who holds it, until when, and for how many more milliseconds. */
    private record LiveOwner(String owner, java.sql.Timestamp until, long remainingMillis) {
    }

    /** One try to take the log; the live owner when another process holds the lease. */
    private LiveOwner attempt() throws LogException {
        long sent = System.nanoTime();
        try {
            Connection c = connection();
            try (var timeout = c.createStatement()) {
                // A dead owner's open write holds the row until its session is dropped: do not wait on it forever.
                timeout.execute("SET LOCAL lock_timeout = '" + settings.lease().toMillis() + "ms'");
            }
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT epoch, owner, lease_until > now() AS live, lease_until,"
                            + " CAST(EXTRACT(EPOCH FROM (lease_until - now())) * 1000 AS bigint) AS remaining_ms"
                            + " FROM twophase_log_owner WHERE tm_name = ? FOR UPDATE")) {
                select.setString(1, tmName);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        try (PreparedStatement insert = c.prepareStatement(
                                "INSERT INTO twophase_log_owner (tm_name, epoch, owner, lease_until) VALUES (?, 1, ?, now() + ?::interval)"
                                        + " ON CONFLICT (tm_name) DO NOTHING")) {
                            insert.setString(1, tmName);
                            insert.setString(2, owner);
                            insert.setString(3, interval());
                            if (insert.executeUpdate() == 0) {
                                c.rollback();
                                closeConnection();
                                throw new LogException("another process took the coordinator log of " + tmName + " at the same moment");
                            }
                        }
                        epoch = 1;
                    } else {
                        String current = rs.getString("owner");
                        if (rs.getBoolean("live")) {
                            LiveOwner live = new LiveOwner(current, rs.getTimestamp("lease_until"), rs.getLong("remaining_ms"));
                            c.rollback();
                            closeConnection();
                            return live;
                        }
                        epoch = rs.getLong("epoch") + 1;
                        try (PreparedStatement take = c.prepareStatement(
                                "UPDATE twophase_log_owner SET epoch = ?, owner = ?, lease_until = now() + ?::interval, settled_at = NULL"
                                        + " WHERE tm_name = ?")) {
                            take.setLong(1, epoch);
                            take.setString(2, owner);
                            take.setString(3, interval());
                            take.setString(4, tmName);
                            take.executeUpdate();
                        }
                        LOG.info("Took the coordinator log of {} with epoch {} (previous owner {}, lease expired)", tmName, epoch, current);
                    }
                }
            }
            c.commit();
            leaseFrom = sent;
            return null;
        } catch (SQLException e) {
            closeConnection();
            throw new LogException("cannot take the coordinator log of " + tmName + " in " + settings.url() + ": " + e.getMessage());
        }
    }

    /** Extends the lease of this epoch; a lease lost to another process fences this one. */
    private void renew() {
        if (fenced) {
            return;
        }
        long sent = System.nanoTime();
        try (Connection c = DriverManager.getConnection(settings.url(), settings.username(), settings.password());
                PreparedStatement update = c.prepareStatement(
                        "UPDATE twophase_log_owner SET lease_until = now() + ?::interval WHERE tm_name = ? AND epoch = ? AND owner = ?")) {
            update.setString(1, interval());
            update.setString(2, tmName);
            update.setLong(3, epoch);
            update.setString(4, owner);
            if (update.executeUpdate() == 0) {
                fence();
            } else {
                leaseFrom = sent;
            }
        } catch (SQLException | RuntimeException e) {
            // The next append renews too, or fails; the lease may still run out, and then this process is fenced.
            LOG.warn("Could not renew the lease of the coordinator log of {}: {}", tmName, e.getMessage());
        }
    }

    private void fence() {
        if (!fenced) {
            fenced = true;
            LOG.error("FENCED: another process has taken over the coordinator log of {} (this process held epoch {});"
                    + " this process writes no more log records, so its transactions cannot commit. Stop it.", tmName, epoch);
        }
    }

    @Override
    public Collection<PendingTransactionRecord> load() throws LogReadException {
        List<PendingTransactionRecord> records = new ArrayList<>();
        try {
            Connection c = connection();
            try (PreparedStatement select = c.prepareStatement("SELECT coordinator_id, state, expires, recovery_domain, superior_id"
                    + " FROM twophase_log_record WHERE tm_name = ?")) {
                select.setString(1, tmName);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        records.add(new PendingTransactionRecord(rs.getString(1), TxState.valueOf(rs.getString(2)), rs.getLong(3),
                                rs.getString(4), rs.getString(5)));
                    }
                }
            }
            c.commit();
            return records;
        } catch (SQLException | IllegalArgumentException e) {
            closeConnection();
            throw new LogReadException("cannot read the coordinator log of " + tmName + " in " + settings.url() + ": " + e.getMessage());
        }
    }

    @Override
    public void append(List<PendingTransactionRecord> records) throws LogWriteException {
        write(records, null);
    }

    @Override
    public void checkpoint(Collection<PendingTransactionRecord> live) throws LogWriteException {
        // Makes the rows exactly the live records: drops purged orphans, and reconciles an append whose
        // connection broke during its commit (the writers were told it failed; it may have committed).
        write(new ArrayList<>(live), live);
    }

    private void write(List<PendingTransactionRecord> records, Collection<PendingTransactionRecord> keepOnly) throws LogWriteException {
        if (fenced) {
            throw fencedException();
        }
        long sent = System.nanoTime();
        try {
            Connection c = connection();
            try {
                try (PreparedStatement lease = c.prepareStatement(
                        "UPDATE twophase_log_owner SET lease_until = greatest(lease_until, now() + ?::interval)"
                                + " WHERE tm_name = ? AND epoch = ? AND owner = ?")) {
                    lease.setString(1, interval());
                    lease.setString(2, tmName);
                    lease.setLong(3, epoch);
                    lease.setString(4, owner);
                    if (lease.executeUpdate() == 0) {
                        c.rollback();
                        fence();
                        throw fencedException();
                    }
                }
                if (!records.isEmpty()) {
                    try (PreparedStatement upsert = c.prepareStatement("INSERT INTO twophase_log_record"
                            + " (tm_name, coordinator_id, state, expires, recovery_domain, superior_id) VALUES (?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (tm_name, coordinator_id) DO UPDATE SET state = excluded.state, expires = excluded.expires,"
                            + " recovery_domain = excluded.recovery_domain, superior_id = excluded.superior_id");
                            PreparedStatement delete = c.prepareStatement(
                                    "DELETE FROM twophase_log_record WHERE tm_name = ? AND coordinator_id = ?")) {
                        boolean upserts = false;
                        boolean deletes = false;
                        for (PendingTransactionRecord r : records) {
                            // In order: a later record of the same transaction in this batch wins, as in the file.
                            if (r.state.isFinalState()) {
                                if (upserts) {
                                    upsert.executeBatch();
                                    upserts = false;
                                }
                                delete.setString(1, tmName);
                                delete.setString(2, r.id);
                                delete.addBatch();
                                deletes = true;
                            } else {
                                if (deletes) {
                                    delete.executeBatch();
                                    deletes = false;
                                }
                                upsert.setString(1, tmName);
                                upsert.setString(2, r.id);
                                upsert.setString(3, r.state.name());
                                upsert.setLong(4, r.expires);
                                upsert.setString(5, r.recoveryDomainName);
                                upsert.setString(6, r.superiorId);
                                upsert.addBatch();
                                upserts = true;
                            }
                        }
                        if (upserts) {
                            upsert.executeBatch();
                        }
                        if (deletes) {
                            delete.executeBatch();
                        }
                    }
                }
                if (keepOnly != null) {
                    try (PreparedStatement purge = c.prepareStatement(
                            "DELETE FROM twophase_log_record WHERE tm_name = ? AND NOT (coordinator_id = ANY (?))")) {
                        purge.setString(1, tmName);
                        purge.setArray(2, c.createArrayOf("text", keepOnly.stream().map(r -> r.id).toArray()));
                        purge.executeUpdate();
                    }
                }
                c.commit();
                leaseFrom = sent;
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is closed below
                }
                throw e;
            }
        } catch (SQLException e) {
            // Whether the commit reached the server is unknown only when the connection broke during it; the
            // caller is told the write failed either way and checkpoints before the next one, which reconciles.
            closeConnection();
            throw new LogWriteException(new IOException("writing the coordinator log of " + tmName + " to " + settings.url()
                    + " failed: " + e.getMessage(), e));
        }
    }

    private LogWriteException fencedException() {
        return new LogWriteException(new IOException("this process no longer owns the coordinator log of " + tmName
                + " (its epoch " + epoch + " was taken over by another process); it may not log decisions"));
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(settings.url(), settings.username(), settings.password());
            connection.setAutoCommit(false);
            // A partitioned database must fail the write (and its transactions), not hang every commit.
            connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, settings.lease().toMillis()));
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    private String interval() {
        return settings.lease().toMillis() + " milliseconds";
    }

    @Override
    public String describe() {
        return "PostgreSQL " + settings.url() + " (tm_name " + tmName + ", epoch " + epoch + ")";
    }

    @Override
    public void close() {
        renewal.shutdown();
        try {
            // A renewal in progress must not extend the lease after it was released below.
            renewal.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!fenced) {
            // Release the lease so that a restart, or another node, need not wait for it to run out.
            try (Connection c = DriverManager.getConnection(settings.url(), settings.username(), settings.password());
                    PreparedStatement release = c.prepareStatement(
                            "UPDATE twophase_log_owner SET lease_until = now() WHERE tm_name = ? AND epoch = ? AND owner = ?")) {
                release.setString(1, tmName);
                release.setLong(2, epoch);
                release.setString(3, owner);
                release.executeUpdate();
            } catch (SQLException e) {
                LOG.warn("Could not release the lease of the coordinator log of {}; it expires by itself: {}", tmName, e.getMessage());
            }
        }
        closeConnection();
    }
}
