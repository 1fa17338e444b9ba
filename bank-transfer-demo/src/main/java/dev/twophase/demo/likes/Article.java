package dev.twophase.demo.likes;

/**
 * An article and its like count, as stored in bank A (PostgreSQL in the real profile).
 *
 * @param id the article's id, e.g. {@code art-1}
 * @param title the article's title
 * @param likeCount how many users like it; always equals its rows in bank B's {@code user_like}
 */
public record Article(String id, String title, long likeCount) {
}
