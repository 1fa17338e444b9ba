package dev.twophase.demo.likes;

import java.time.Instant;

import dev.twophase.demo.patterns.PatternMode;

/**
 * A like run as a Saga, a TCC or through the outbox, as its log in {@code pattern_tx} holds it.
 *
 * @param id the like's id (the global id of its steps)
 * @param state {@code DONE} (counted and recorded), {@code COMPENSATED} (Saga: counted, then taken
 *        back), {@code CANCELLED} (TCC: reserved, then released), {@code REJECTED} (nothing done),
 *        {@code SENT} (outbox: recorded, the count follows), or a state in progress
 * @param failure the rejection that ended it, e.g. {@code already-liked}, or {@code null}
 * @param eventId the id of its {@code like} event and like record
 */
public record PatternLike(String id, PatternMode mode, String state, String failure, String articleId, String userId, String eventId,
        Instant createdAt, Instant finishedAt) {

    static PatternLike of(LikeLog.Row r) {
        return new PatternLike(r.gid(), r.mode(), r.state(), r.failure(), r.articleId(), r.userId(), r.eventId(),
                Instant.ofEpochMilli(r.createdMs()), r.finishedMs() == null ? null : Instant.ofEpochMilli(r.finishedMs()));
    }
}
