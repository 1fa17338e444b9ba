package dev.twophase.demo.likes;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.twophase.demo.likes.LikeRejectedException.Reason;

/**
 * How many likes each user gave per UTC day, in bank B's {@code like_quota}. {@link #take} runs
 * inside the like's JTA transaction, so a like that rolls back gives its unit back with it.
 *
 * <p>Portable SQL only (H2 and MySQL/MariaDB; no {@code ON DUPLICATE KEY}). A like only ever
 * updates an existing row with a conditional increment, which locks that one row: concurrent likes
 * cannot both pass the check (no lost update under REPEATABLE READ), and the likes of one user are
 * serialised. The day's row is created, with {@code used = 0}, by {@link #open} in a short
 * transaction of its own: creating it inside the like (locking read of a missing row, then insert)
 * takes InnoDB gap locks, and concurrent first likes of the day then deadlock each other, measured
 * at several times per user per day with 4 concurrent clients.
 */
class DailyQuota {

    /** Today's row for the user does not exist yet: call {@link DailyQuota#open} outside this transaction, then retry. */
    static final class RowMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RowMissing(String userId, LocalDate day) {
            super("no like_quota row for " + userId + " on " + day + " yet", null, false, false);
        }
    }

    private final JdbcTemplate jdbc;
    private final int limit;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;

    /** @param ownTransaction a template that always starts a new transaction (REQUIRES_NEW), for {@link #open} */
    DailyQuota(JdbcTemplate jdbc, int limit, Clock clock, TransactionTemplate ownTransaction) {
        this.jdbc = jdbc;
        this.limit = limit;
        this.clock = clock;
        this.ownTransaction = ownTransaction;
    }

    /**
     * Counts one like against the user's quota for today (UTC), in the caller's transaction.
     *
     * @throws RowMissing before any lock is taken, when the user has no row for today yet
     * @throws LikeRejectedException with {@link Reason#QUOTA_EXHAUSTED} when the user has none left today
     */
    void take(String userId) {
        LocalDate day = today(clock);
        // A plain read takes no lock (no gap lock on a missing row); the update below reads the latest row.
        Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM like_quota WHERE user_id = ? AND quota_day = ?",
                Integer.class, userId, day);
        if (rows == null || rows == 0) {
            throw new RowMissing(userId, day);
        }
        takeFromOpenRow(userId, day);
    }

    /**
     * Like {@link #take}, for when the caller knows today's row exists (it just {@linkplain #open opened}
     * it): under REPEATABLE READ a plain read would still see this transaction's older snapshot
     * without the row, while the update reads the latest committed row.
     */
    void takeFromOpenRow(String userId, LocalDate day) {
        if (jdbc.update("UPDATE like_quota SET used = used + 1 WHERE user_id = ? AND quota_day = ? AND used < ?",
                userId, day, limit) == 0) {
            throw exhausted(userId, day, limit);
        }
    }

    /**
     * Creates today's row for the user ({@code used = 0}) in a transaction of its own and commits
     * it; does nothing when a concurrent like created it first. Safe to call at any time: an unused
     * row counts nothing.
     *
     * @return the day of the row
     */
    LocalDate open(String userId) {
        LocalDate day = today(clock);
        ownTransaction.executeWithoutResult(status -> {
            try {
                jdbc.update("INSERT INTO like_quota (user_id, quota_day, used) VALUES (?, ?, 0)", userId, day);
            } catch (DuplicateKeyException e) {
                // Created concurrently; the row is what we wanted.
            }
        });
        return day;
    }

    static LocalDate today(Clock clock) {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    static LikeRejectedException exhausted(String userId, LocalDate day, int limit) {
        return new LikeRejectedException(Reason.QUOTA_EXHAUSTED, "User '" + userId + "' has given all " + limit
                + " likes allowed per day on " + day + " (UTC); the quota resets at " + day.plusDays(1) + "T00:00:00Z."
                + " An unlike does not give a like back.");
    }
}
