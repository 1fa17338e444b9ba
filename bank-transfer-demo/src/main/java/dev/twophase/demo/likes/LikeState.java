package dev.twophase.demo.likes;

/**
 * The answer to a like or an unlike: whether the user now likes the article, and the article's
 * like count as committed by that transaction.
 *
 * @param articleId the article
 * @param userId the user
 * @param liked {@code true} after a like, {@code false} after an unlike
 * @param likeCount the article's like count right after this change
 */
public record LikeState(String articleId, String userId, boolean liked, long likeCount) {
}
