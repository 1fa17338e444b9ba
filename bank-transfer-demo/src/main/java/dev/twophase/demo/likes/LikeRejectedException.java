package dev.twophase.demo.likes;

import org.springframework.http.HttpStatus;

import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

/**
 * A like or unlike that breaks a business rule. Nothing was changed and nothing was published:
 * the transaction that detected it was rolled back on every participant.
 */
public class LikeRejectedException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /** The reasons for refusing, with their HTTP status and problem type slug. */
    public static final class Reason {
        public static final Rejection ALREADY_LIKED = new Rejection(HttpStatus.CONFLICT, "already-liked", "Already liked");
        public static final Rejection NOT_LIKED = new Rejection(HttpStatus.CONFLICT, "not-liked", "Not liked");
        public static final Rejection QUOTA_EXHAUSTED = new Rejection(HttpStatus.TOO_MANY_REQUESTS, "like-quota-exhausted", "Daily like quota exhausted");
        public static final Rejection UNKNOWN_ARTICLE = new Rejection(HttpStatus.NOT_FOUND, "unknown-article", "Unknown article");
        public static final Rejection INVALID_REQUEST = new Rejection(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request");
        public static final Rejection TIMED_OUT = new Rejection(HttpStatus.CONFLICT, "like-timed-out", "Like timed out and was undone");
        public static final Rejection INVALID_MODE = new Rejection(HttpStatus.BAD_REQUEST, "invalid-mode", "Unknown like mode");

        private Reason() {
        }
    }

    public LikeRejectedException(Rejection reason, String detail) {
        super(reason, detail);
    }


    static LikeRejectedException unknownArticle(String articleId) {
        return new LikeRejectedException(Reason.UNKNOWN_ARTICLE, "There is no article with id '" + articleId + "'.");
    }
}
