package dev.twophase.demo.likes;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who likes what, and one record per committed like or unlike, in bank B (MySQL in the real
 * profile). Every method must run inside the caller's JTA transaction.
 */
class LikeLedger {

    /** What a {@code like_action} row records. */
    enum Action {
        LIKE, UNLIKE
    }

    private final JdbcTemplate jdbc;

    LikeLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records that the user likes the article. The primary key (user, article) is the guard
     * against a second like, also between concurrent transactions: the later insert waits for the
     * earlier one and fails if it commits.
     *
     * @throws DuplicateKeyException when the user already likes the article
     */
    void insertLike(String userId, String articleId) {
        jdbc.update("INSERT INTO user_like (user_id, article_id) VALUES (?, ?)", userId, articleId);
    }

    /** A plain read (no lock): whether the user likes the article as far as committed data says. */
    boolean exists(String userId, String articleId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM user_like WHERE user_id = ? AND article_id = ?", Integer.class,
                userId, articleId);
        return n != null && n > 0;
    }

    /** @return whether the user liked the article (and no longer does) */
    boolean deleteLike(String userId, String articleId) {
        return jdbc.update("DELETE FROM user_like WHERE user_id = ? AND article_id = ?", userId, articleId) == 1;
    }

    /** The business record of one like or unlike; its key is the id of the event published with it. */
    void recordAction(String eventId, String userId, String articleId, Action action) {
        jdbc.update("INSERT INTO like_action (event_id, user_id, article_id, action) VALUES (?, ?, ?, ?)",
                eventId, userId, articleId, action.name());
    }
}
