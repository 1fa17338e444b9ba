package dev.twophase.demo.likes;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The articles and their like counts, in bank A (PostgreSQL in the real profile). Every method
 * must run inside the caller's JTA transaction.
 */
class ArticleStore {

    private static final RowMapper<Article> ARTICLE = (rs, i) -> new Article(rs.getString(1), rs.getString(2), rs.getLong(3));

    private final JdbcTemplate jdbc;

    ArticleStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Adds {@code delta} to the article's like count, under the article's row lock, which orders
     * concurrent likes of the article.
     *
     * <p>The lock is taken by {@code SELECT ... FOR UPDATE} before the update, not by the update
     * itself. PostgreSQL checks a CHECK constraint on the row version the statement's snapshot
     * sees, before it waits for a concurrent transaction that holds the row (measured: an
     * {@code UPDATE ... - 1} on a count of 0 fails at once while a prepared transaction that adds 1
     * is waiting for COMMIT PREPARED). In phase 2 bank B commits before bank A, so an unlike can
     * find a like's row committed in bank B while that like's +1 is still being committed in
     * bank A; the update alone would then fail {@code like_count >= 0} instead of waiting a few
     * milliseconds. {@code FOR UPDATE} waits for the holder, and the update's snapshot, taken
     * after it, sees the committed count.
     *
     * @return the new count, or empty for an unknown article
     */
    OptionalLong addLikes(String articleId, int delta) {
        if (jdbc.queryForList("SELECT like_count FROM article WHERE id = ? FOR UPDATE", Long.class, articleId).isEmpty()) {
            return OptionalLong.empty();
        }
        if (jdbc.update("UPDATE article SET like_count = like_count + ? WHERE id = ?", delta, articleId) == 0) {
            return OptionalLong.empty();
        }
        // We hold the row lock until commit, so this is exactly the count our transaction commits.
        Long count = jdbc.queryForObject("SELECT like_count FROM article WHERE id = ?", Long.class, articleId);
        return OptionalLong.of(count);
    }

    /** A plain read: no lock, so it may run while the transaction holds bank B's locks. */
    boolean exists(String articleId) {
        return find(articleId).isPresent();
    }

    Optional<Article> find(String articleId) {
        return jdbc.query("SELECT id, title, like_count FROM article WHERE id = ?", ARTICLE, articleId).stream().findFirst();
    }

    List<Article> all() {
        return jdbc.query("SELECT id, title, like_count FROM article ORDER BY id", ARTICLE);
    }
}
