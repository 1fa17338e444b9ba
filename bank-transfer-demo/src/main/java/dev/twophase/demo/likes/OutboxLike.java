package dev.twophase.demo.likes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.Outbox;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * The like through the transactional outbox:
 * <ol>
 * <li>In <em>one</em> local transaction of bank B: the log row ({@code SENT}), a unit of the day's
 * quota, the like row, the like record, and a {@code like-count} event in bank B's outbox. The
 * request is answered now: 202, the count follows. Already liked or quota exhausted refuses here and
 * changes nothing; so does an unknown article, checked before (articles are never deleted).</li>
 * <li>Bank B's relay publishes the event to queue {@value #COUNTS}, at least once.</li>
 * <li>{@link #consume}: in one local transaction of bank A, the event id in bank A's
 * {@code inbox_event} (a redelivery finds it and does nothing), the count + 1 and the {@code like}
 * event in bank A's outbox. Then the log row becomes {@code DONE}.</li>
 * </ol>
 * Recovery: {@code SENT} becomes {@code DONE} once bank A has consumed the count event; after the
 * timeout the event is published again (it may have gone to the dead-letter queue).
 */
final class OutboxLike extends LikePattern {

    private static final Logger log = LoggerFactory.getLogger(OutboxLike.class);

    /** The queue of {@code like-count} events. */
    static final String COUNTS = "like-counts";
    static final String COUNT_EVENT = "like-count";
    static final String COUNT_SCHEMA = "twophase.like-count.v1";
    static final String SENT = "SENT";

    static final List<String> CRASH_POINTS = List.of("outbox-like.record.before-commit", "outbox-like.record.after-commit",
            "outbox-like.count.before-commit", "outbox-like.count.after-commit");

    OutboxLike(LocalDatabase bankA, LocalDatabase bankB, Map<Bank, LikeLog> logs, DailyQuota quota, PatternFaults faults,
            ObjectMapper json, Duration timeout) {
        super(bankA, bankB, logs, quota, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.OUTBOX;
    }

    /** Bank B: the log row commits with the like record. */
    @Override
    Bank logBank() {
        return Bank.B;
    }

    @Override
    LikeLog.Row newRow(String articleId, String userId) {
        return newRow(articleId, userId, SENT, true);
    }

    @Override
    LikeLog.Row start(LikeLog.Row row) {
        if (bankA.jdbc().queryForList("SELECT id FROM article WHERE id = ?", String.class, row.articleId()).isEmpty()) {
            throw LikeRejectedException.unknownArticle(row.articleId());
        }
        quota.open(row.userId(), day(row));
        bankB.inTransaction(row.gid(), "record + event", jdbc -> {
            log().insert(row);
            like(jdbc, row, true);
            ObjectNode body = json.createObjectNode().put("schema", COUNT_SCHEMA).put("eventId", countEventId(row.gid()))
                    .put("eventType", COUNT_EVENT).put("businessKey", row.gid()).put("likeId", row.gid())
                    .put("likeEventId", row.eventId()).put("articleId", row.articleId()).put("userId", row.userId())
                    .put("createdMs", row.createdMs());
            bankB.addToOutbox(new Outbox.Event(countEventId(row.gid()), COUNTS, COUNT_EVENT, row.gid(), write(body)));
            faults.reach("outbox-like.record.before-commit", row.gid());
            return null;
        });
        faults.reach("outbox-like.record.after-commit", row.gid());
        return row;
    }

    /** The count event's id: one per like, derived from it. */
    static String countEventId(String gid) {
        return UUID.nameUUIDFromBytes(("like-count:" + gid).getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Override
    LikeLog.Row drive(LikeLog.Row row) {
        if (!SENT.equals(row.state())) {
            return row;
        }
        Integer counted = bankA.jdbc().queryForObject("SELECT COUNT(*) FROM inbox_event WHERE event_id = ?", Integer.class,
                countEventId(row.gid()));
        if (counted != null && counted > 0) {
            log().transition(row.gid(), SENT, DONE, null, true, true, now());
            return reread(row);
        }
        if (now() > row.deadlineMs()) {
            boolean again = bankB.republish(countEventId(row.gid()), timeout);
            if (again) {
                log.warn("Outbox like {} is not counted {} ms after it was recorded; publishing its count event again", row.gid(),
                        now() - row.createdMs());
            }
        }
        return row;
    }

    /**
     * Consumes one {@code like-count} event: the count + 1 in one local transaction of bank A with the
     * inbox row and the {@code like} event, or nothing for one already consumed.
     *
     * @return whether this call counted (false: a redelivery)
     */
    boolean consume(String eventId, String text) throws IOException {
        JsonNode event = json.readTree(text);
        String gid = event.get("likeId").asText();
        LikeLog.Row row = new LikeLog.Row(gid, PatternMode.OUTBOX, SENT, event.get("articleId").asText(), event.get("userId").asText(),
                event.get("likeEventId").asText(), null, 0, event.get("createdMs").asLong(), 0, 0, null, null);
        try {
            bankA.inTransaction(gid, "count (consumer)", jdbc -> {
                jdbc.update("INSERT INTO inbox_event (event_id, event_type, schema_name, business_key, payload) VALUES (?, ?, ?, ?, ?)",
                        eventId, COUNT_EVENT, COUNT_SCHEMA, gid, text);
                count(jdbc, row, 1);
                addLikeEvent(bankA, row, likeCount(jdbc, row.articleId()));
                faults.reach("outbox-like.count.before-commit", gid);
                return null;
            });
        } catch (DuplicateKeyException e) {
            log.info("Count event {} of like {} was already consumed; acknowledging the redelivery", eventId, gid);
            return false;
        }
        faults.reach("outbox-like.count.after-commit", gid);
        log().transition(gid, SENT, DONE, null, true, true, now());
        return true;
    }
}
