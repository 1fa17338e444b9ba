package dev.twophase.coordinator.log;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Another TM name's coordinator log in PostgreSQL, as a surviving instance sees it: which TM names'
 * leases have expired with nobody having settled them, and a claim on one of them. The claim takes
 * the TM name's lease with the next epoch, exactly as {@link PostgresLogStore} does when it opens the
 * log, so the previous owner is fenced: a write of its epoch matches no owner row any more, and a
 * write that was in flight holds the owner row until it commits, after which its renewed lease is live
 * and the claim matches nothing. The claimed log therefore cannot gain a decision while it is claimed.
 *
 * <p>One instance per surviving process; not thread-safe (the takeover runs on one thread).
 */
public final class PostgresLogTakeover {

    /** How a claim names its holder in the owner row: a returning owner waits for a takeover to end. */
    public static final String OWNER_PREFIX = "takeover by ";

    private final PostgresLogStore.Settings settings;
    private final String ownTmName;
    private final String node;

    /**
     * @param ownTmName the TM name of this process's own log (as stored: Atomikos's name), never a candidate
     * @param node who takes over, stored as the owner while a claim lasts
     */
    public PostgresLogTakeover(PostgresLogStore.Settings settings, String ownTmName, String node) {
        this.settings = settings;
        this.ownTmName = ownTmName;
        this.node = OWNER_PREFIX + node;
    }

    /** A TM name whose lease has run out and that no takeover has settled since its owner last held it. */
    public record Candidate(String tmName, long epoch, String owner, Instant leaseUntil) {
    }

    /** The TM names a survivor may take over now, oldest expiry first. */
    public List<Candidate> candidates() throws SQLException {
        try (Connection c = connect();
                PreparedStatement select = c.prepareStatement("SELECT tm_name, epoch, owner, lease_until FROM twophase_log_owner"
                        + " WHERE tm_name <> ? AND lease_until < now() AND settled_at IS NULL ORDER BY lease_until")) {
            select.setString(1, ownTmName);
            List<Candidate> candidates = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new Candidate(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
                }
            }
            return candidates;
        }
    }

    /**
     * Takes the candidate's TM name with the next epoch, if nobody did since it was listed (its owner
     * back, or another survivor).
     *
     * @return the claim, or empty when the TM name is no longer a candidate
     */
    public Optional<Claim> claim(Candidate candidate) throws SQLException {
        Connection c = connect();
        try {
            c.setAutoCommit(false);
            try (var timeout = c.createStatement()) {
                timeout.execute("SET LOCAL lock_timeout = '" + settings.lease().toMillis() + "ms'");
            }
            try (PreparedStatement take = c.prepareStatement("UPDATE twophase_log_owner SET epoch = epoch + 1, owner = ?,"
                    + " lease_until = now() + ?::interval WHERE tm_name = ? AND epoch = ? AND lease_until < now()"
                    + " AND settled_at IS NULL")) {
                take.setString(1, node);
                take.setString(2, interval());
                take.setString(3, candidate.tmName());
                take.setLong(4, candidate.epoch());
                if (take.executeUpdate() == 0) {
                    c.rollback();
                    c.close();
                    return Optional.empty();
                }
            }
            c.commit();
            return Optional.of(new Claim(c, candidate, candidate.epoch() + 1));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A TM name this process has taken over: its log records, readable while the claim lasts, and the
     * end of the claim. Every statement checks the claim's epoch, so a claim lost (its lease ran out
     * and the owner came back) can no longer change anything.
     */
    public final class Claim implements AutoCloseable {

        private final Connection connection;
        private final Candidate candidate;
        private final long epoch;

        private Claim(Connection connection, Candidate candidate, long epoch) {
            this.connection = connection;
            this.candidate = candidate;
            this.epoch = epoch;
        }

        public String tmName() {
            return candidate.tmName();
        }

        /** The epoch of the claim: the previous owner's plus one. */
        public long epoch() {
            return epoch;
        }

        /** Who owned the TM name before, and until when its lease ran. */
        public Candidate previous() {
            return candidate;
        }

        /** The TM name's log: coordinator id (the gtrid of its branches) to the state last logged. */
        public Map<String, String> records() throws SQLException {
            renew();
            Map<String, String> records = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT coordinator_id, state FROM twophase_log_record WHERE tm_name = ? ORDER BY coordinator_id")) {
                select.setString(1, tmName());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        records.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            connection.commit();
            return records;
        }

        /**
         * Extends the claim's lease.
         *
         * @throws SQLException also when the claim was lost: the TM name has another epoch now
         */
        public void renew() throws SQLException {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE twophase_log_owner SET lease_until = now() + ?::interval WHERE tm_name = ? AND epoch = ? AND owner = ?")) {
                update.setString(1, interval());
                update.setString(2, tmName());
                update.setLong(3, epoch);
                update.setString(4, node);
                if (update.executeUpdate() == 0) {
                    connection.rollback();
                    throw new SQLException("the takeover of " + tmName() + " (epoch " + epoch + ") was lost: another process"
                            + " holds the TM name now");
                }
            }
            connection.commit();
        }

        /**
         * Ends the claim having finished everything, and marks the TM name settled so that no survivor
         * takes it again until its owner has come back. The log records stay: a commit decision is only
         * known to be carried out on the participants this instance could scan, and a returning owner
         * (whose recovery forgets the decisions of earlier runs once it has scanned every participant)
         * must still find it.
         */
        public void settle() throws SQLException {
            end(true);
        }

        /** Ends the claim with work left: the log stays as it is, and a survivor takes it again at its next look. */
        public void release() throws SQLException {
            end(false);
        }

        private void end(boolean settled) throws SQLException {
            try (PreparedStatement update = connection.prepareStatement("UPDATE twophase_log_owner SET lease_until = now(),"
                    + " settled_at = " + (settled ? "now()" : "NULL") + " WHERE tm_name = ? AND epoch = ? AND owner = ?")) {
                update.setString(1, tmName());
                update.setLong(2, epoch);
                update.setString(3, node);
                if (update.executeUpdate() == 0) {
                    connection.rollback();
                    throw new SQLException("the takeover of " + tmName() + " (epoch " + epoch + ") was lost before it ended");
                }
            }
            connection.commit();
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the claim has ended or runs out by itself
            }
        }
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(settings.url(), settings.username(), settings.password());
        c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, settings.lease().toMillis()));
        return c;
    }

    private String interval() {
        return settings.lease().toMillis() + " milliseconds";
    }
}
