package dev.twophase.demo.likes;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code POST /api/articles/{id}/likes}.
 *
 * @param userId who likes the article: 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
 * @param mode {@code xa} (the default), {@code saga}, {@code tcc} or {@code outbox} (see docs/patterns.md);
 *        checked by the controller, so a wrong value gets {@code invalid-mode}
 */
public record LikeRequest(
        @NotNull @Pattern(regexp = LikeRequest.USER_ID_PATTERN, message = LikeRequest.USER_ID_RULE) String userId,
        String mode) {

    /** An XA like. */
    public LikeRequest(String userId) {
        this(userId, null);
    }

    static final String USER_ID_PATTERN = "[A-Za-z0-9._-]{1,64}";
    static final String USER_ID_RULE = "must be 1 to 64 letters, digits, '.', '_' or '-', e.g. u-1";
    /** Article ids are at most 32 characters (the column's size); anything else names no article. */
    static final String ARTICLE_ID_PATTERN = "[A-Za-z0-9._-]{1,32}";
}
