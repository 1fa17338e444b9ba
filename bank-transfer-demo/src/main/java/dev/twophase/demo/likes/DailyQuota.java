package dev.twophase.demo.likes;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.twophase.demo.likes.LikeRejectedException.Reason;

/**
 * How many likes each user gave per UTC day, in bank B's {@code like_quota}.
 *
 * <p>Two steps per like. {@link #open} makes sure the user's row for today exists, in a short
 * transaction of its own before the like's; {@link #take} then counts the like inside the like's
 * JTA transaction, so a like that rolls back gives its unit back with it.
 *
 * <p>Portable SQL only (H2 and MySQL/MariaDB; no {@code ON DUPLICATE KEY}). A like only ever
 * updates an existing row with a conditional increment, which locks that one row: concurrent likes
 * cannot both pass the check (no lost update under REPEATABLE READ), and the likes of one user are
 * serialised. The row is not created inside the like because a locking read of a missing row, then
 * an insert, takes InnoDB gap locks, and concurrent first likes of the day then deadlock each other,
 * measured at several times per user per day with 4 concurrent clients.
 */
class DailyQuota {

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
     * Makes sure the user has a row for today (UTC), creating it with {@code used = 0} in a
     * transaction of its own that commits before this returns; a caller's transaction is suspended
     * meanwhile. Safe to call at any time: an unused row counts nothing.
     *
     * <p>The row is looked for with a plain read first, which takes no lock. An insert of an existing
     * row would instead wait for the lock of any like holding that row, including one in the
     * transaction this call suspended, which would then wait for itself until the lock timeout.
     *
     * @return the day of the row, to pass to {@link #take}
     */
    LocalDate open(String userId) {
        return open(userId, today(clock));
    }

    /** {@link #open(String)} for a given day (the Saga, TCC and outbox likes count against the day they were logged). */
    LocalDate open(String userId, LocalDate day) {
        ownTransaction.executeWithoutResult(status -> {
            Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM like_quota WHERE user_id = ? AND quota_day = ?",
                    Integer.class, userId, day);
            if (rows != null && rows > 0) {
                return;
            }
            try {
                jdbc.update("INSERT INTO like_quota (user_id, quota_day, used) VALUES (?, ?, 0)", userId, day);
            } catch (DuplicateKeyException e) {
                // A concurrent first like of the day created it; the row is what we wanted.
            }
        });
        return day;
    }

    /**
     * Counts one like against the user's quota for the day, in the caller's transaction. The row
     * must have been {@linkplain #open opened}; the update reads the latest committed row even when
     * the caller's snapshot (REPEATABLE READ) is older than the row.
     *
     * @param day the day {@link #open} returned, so that a like just around midnight counts against the row it opened
     * @throws LikeRejectedException with {@link Reason#QUOTA_EXHAUSTED} when the user has none left that day
     */
    void take(String userId, LocalDate day) {
        if (jdbc.update("UPDATE like_quota SET used = used + 1 WHERE user_id = ? AND quota_day = ? AND used < ?",
                userId, day, limit) == 0) {
            throw exhausted(userId, day, limit);
        }
    }

    /**
     * Gives one unit of the day back, in the caller's transaction: a TCC like's cancel or a Saga like's
     * compensation undoes the unit its try or step took.
     */
    void giveBack(String userId, LocalDate day) {
        jdbc.update("UPDATE like_quota SET used = used - 1 WHERE user_id = ? AND quota_day = ? AND used > 0", userId, day);
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
