package dev.twophase.demo.likes;

import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.likes.LikeLedger.Action;

/**
 * The {@code like} and {@code unlike} events (schema {@value #SCHEMA}) on queue {@code likes}:
 * envelope plus {@code userId}, {@code articleId}, {@code action} ({@code LIKE} or {@code UNLIKE})
 * and {@code likeCount}. The business key is the event id, which is also the key of the
 * {@code like_action} row committed with the event.
 */
class LikeEvents {

    static final String SCHEMA = "twophase.like.v1";

    private final EventPublisher publisher;

    LikeEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes the event in the current transaction. */
    void publish(String eventId, Action action, String userId, String articleId, long likeCount) {
        String type = action == Action.LIKE ? "like" : "unlike";
        publisher.publish(EventPublisher.LIKES, type, SCHEMA, eventId, eventId, body -> body
                .put("userId", userId)
                .put("articleId", articleId)
                .put("action", action.name())
                .put("likeCount", likeCount));
    }
}
