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
     * Adds {@code delta} to the article's like count in one atomic statement, which also takes the
     * row lock that orders concurrent likes of the article.
     *
     * @return the new count, or empty for an unknown article
     */
    OptionalLong addLikes(String articleId, int delta) {
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
