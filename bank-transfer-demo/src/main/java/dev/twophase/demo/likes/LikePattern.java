package dev.twophase.demo.likes;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.likes.LikeLedger.Action;
import dev.twophase.demo.likes.LikeRejectedException.Reason;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.Outbox;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * What the Saga, TCC and outbox likes share: bank A (the article's count) and bank B (the like, its
 * record and the daily quota) as plain local databases, their logs, the crash points, the
 * {@code like} event and the statements of the two halves of a like. A like counts against the
 * quota of the UTC day it was logged, so every step of it, and its undo, touch the same quota row.
 */
abstract class LikePattern {

    private static final Logger log = LoggerFactory.getLogger(LikePattern.class);

    static final String DONE = "DONE";
    static final String REJECTED = "REJECTED";

    final LocalDatabase bankA;
    final LocalDatabase bankB;
    final Map<Bank, LikeLog> logs;
    final DailyQuota quota;
    final PatternFaults faults;
    final ObjectMapper json;
    final Duration timeout;

    LikePattern(LocalDatabase bankA, LocalDatabase bankB, Map<Bank, LikeLog> logs, DailyQuota quota, PatternFaults faults,
            ObjectMapper json, Duration timeout) {
        this.bankA = bankA;
        this.bankB = bankB;
        this.logs = logs;
        this.quota = quota;
        this.faults = faults;
        this.json = json;
        this.timeout = timeout;
    }

    abstract PatternMode mode();

    /** The bank whose {@code pattern_tx} holds this mode's likes. */
    Bank logBank() {
        return Bank.A;
    }

    LikeLog log() {
        return logs.get(logBank());
    }

    /** A new like's log row, in this mode's first state; not written yet. */
    abstract LikeLog.Row newRow(String articleId, String userId);

    /**
     * Logs a new like ({@link #newRow}) and drives it as far as it goes now.
     *
     * @throws LikeRejectedException when a step was refused; the log row says what was undone
     */
    abstract LikeLog.Row start(LikeLog.Row row);

    /** Drives a like from the state in its log to a final state, or as far as this side can (the outbox). */
    abstract LikeLog.Row drive(LikeLog.Row row);

    LikeLog.Row newRow(String articleId, String userId, String state, boolean exposed) {
        long now = now();
        return new LikeLog.Row(UUID.randomUUID().toString(), mode(), state, articleId, userId, EventPublisher.newEventId(), null, 0,
                now, now, now + timeout.toMillis(), exposed ? now : null, null);
    }

    /** Writes a new like's log row in bank A in its own local transaction (Saga and TCC). */
    LikeLog.Row logged(LikeLog.Row row) {
        bankA.inTransaction(jdbc -> {
            logs.get(Bank.A).insert(row);
            return null;
        });
        return row;
    }

    /** The last step of a Saga or TCC: {@code from} → {@code DONE} and the {@code like} event in bank A's outbox, in one local transaction. */
    LikeLog.Row finish(LikeLog.Row row, String from, String beforeCommit) {
        bankA.inTransaction(jdbc -> {
            if (logs.get(Bank.A).transition(row.gid(), from, DONE, null, true, true, now())) {
                addLikeEvent(bankA, row, likeCount(jdbc, row.articleId()));
            }
            if (beforeCommit != null) {
                faults.reach(beforeCommit, row.gid());
            }
            return null;
        });
        return reread(row);
    }

    LikeLog.Row reread(LikeLog.Row row) {
        return log().find(row.gid()).orElseThrow(() -> new IllegalStateException("like " + row.gid() + " left its log"));
    }

    /** Makes a transition; when another thread made one first, returns the row as it is now, for the caller to follow. */
    LikeLog.Row move(LikeLog.Row row, String next, String failure, boolean exposed, boolean finished) {
        log().transition(row.gid(), row.state(), next, failure, exposed, finished, now());
        return reread(row);
    }

    /** The day whose quota the like counts against: the UTC day it was logged. */
    static LocalDate day(LikeLog.Row row) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(row.createdMs()), ZoneOffset.UTC);
    }

    /**
     * Adds {@code delta} to the article's count (bank A).
     *
     * @throws LikeRejectedException for an unknown article
     */
    static void count(JdbcTemplate bankA, LikeLog.Row row, int delta) {
        if (bankA.update("UPDATE article SET like_count = like_count + ? WHERE id = ?", delta, row.articleId()) != 1) {
            throw LikeRejectedException.unknownArticle(row.articleId());
        }
    }

    static long likeCount(JdbcTemplate bankA, String articleId) {
        Long count = bankA.queryForObject("SELECT like_count FROM article WHERE id = ?", Long.class, articleId);
        return count == null ? 0 : count;
    }

    /**
     * Bank B's half of a like: a unit of the day's quota and the like row (the quota row must be open);
     * with {@code record}, also the like record keyed by the like's event id.
     *
     * @throws LikeRejectedException quota exhausted or already liked; the caller's transaction rolls back
     */
    void like(JdbcTemplate bankB, LikeLog.Row row, boolean record) {
        quota.take(row.userId(), day(row));
        try {
            bankB.update("INSERT INTO user_like (user_id, article_id) VALUES (?, ?)", row.userId(), row.articleId());
        } catch (DuplicateKeyException e) {
            throw new LikeRejectedException(Reason.ALREADY_LIKED,
                    "User '" + row.userId() + "' already likes article '" + row.articleId() + "'; a like counts once.");
        }
        if (record) {
            record(bankB, row);
        }
    }

    /** The like record of a like whose like row exists, keyed by the like's event id. */
    static void record(JdbcTemplate bankB, LikeLog.Row row) {
        bankB.update("INSERT INTO like_action (event_id, user_id, article_id, action) VALUES (?, ?, ?, ?)",
                row.eventId(), row.userId(), row.articleId(), Action.LIKE.name());
    }

    /** Undoes bank B's half: the like row, the like record if there is one, and the quota unit. */
    void unlike(JdbcTemplate bankB, LikeLog.Row row) {
        bankB.update("DELETE FROM like_action WHERE event_id = ?", row.eventId());
        bankB.update("DELETE FROM user_like WHERE user_id = ? AND article_id = ?", row.userId(), row.articleId());
        quota.giveBack(row.userId(), day(row));
    }

    /** Adds the {@code like} event (schema twophase.like.v1, as the XA flow's, with the mode) to {@code db}'s outbox. */
    void addLikeEvent(LocalDatabase db, LikeLog.Row r, long likeCount) {
        ObjectNode body = json.createObjectNode()
                .put("schema", LikeEvents.SCHEMA)
                .put("eventId", r.eventId())
                .put("eventType", "like")
                .put("businessKey", r.eventId())
                .put("occurredAt", Instant.now().toString())
                .put("mode", r.mode().name())
                .put("likeId", r.gid())
                .put("userId", r.userId())
                .put("articleId", r.articleId())
                .put("action", Action.LIKE.name())
                .put("likeCount", likeCount);
        db.addToOutbox(new Outbox.Event(r.eventId(), EventPublisher.LIKES, "like", r.eventId(), write(body)));
    }

    String write(ObjectNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an event", e);
        }
    }

    /** The rejection a finished row records; {@code refused} is the one this call met, or {@code null}. */
    static LikeRejectedException rejection(LikeLog.Row r, LikeRejectedException refused) {
        String what = switch (r.state()) {
            case "COMPENSATED" -> " Anything it had counted or recorded was taken back.";
            case "CANCELLED" -> " Anything its try reserved was released.";
            default -> " Nothing was changed.";
        };
        if (refused != null && refused.reason().slug().equals(r.failure())) {
            return new LikeRejectedException(refused.reason(), refused.getMessage() + what);
        }
        if (Reason.ALREADY_LIKED.slug().equals(r.failure())) {
            return new LikeRejectedException(Reason.ALREADY_LIKED, "User '" + r.userId() + "' already likes article '" + r.articleId()
                    + "'." + what);
        }
        if (Reason.QUOTA_EXHAUSTED.slug().equals(r.failure())) {
            return new LikeRejectedException(Reason.QUOTA_EXHAUSTED, "User '" + r.userId() + "' had no likes left on " + day(r)
                    + " (UTC)." + what);
        }
        if (Reason.UNKNOWN_ARTICLE.slug().equals(r.failure())) {
            return new LikeRejectedException(Reason.UNKNOWN_ARTICLE, "There is no article with id '" + r.articleId() + "'." + what);
        }
        return new LikeRejectedException(Reason.TIMED_OUT, "Like " + r.gid() + " did not finish within the " + r.mode()
                + " timeout, or stalled until recovery took it, and was undone." + what);
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static void logOutcome(LikeLog.Row r) {
        log.debug("{} like {} is {}", r.mode(), r.gid(), r.state());
    }
}
