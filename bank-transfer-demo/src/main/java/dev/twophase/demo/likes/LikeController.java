package dev.twophase.demo.likes;

import java.util.List;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/articles}: list and read articles; like ({@code POST .../likes}, 201) and unlike
 * ({@code DELETE .../likes/{userId}}, 200). Refusals are problem+json: 409 already-liked or
 * not-liked, 429 like-quota-exhausted, 404 unknown-article, 400 invalid-request.
 */
@RestController
@RequestMapping("/api/articles")
class LikeController {

    private final LikeService likes;

    LikeController(LikeService likes) {
        this.likes = likes;
    }

    @GetMapping
    List<Article> list() {
        return likes.articles();
    }

    @GetMapping("/{id}")
    Article get(@PathVariable String id) {
        return likes.article(id).orElseThrow(() -> LikeRejectedException.unknownArticle(id));
    }

    @PostMapping("/{id}/likes")
    @ResponseStatus(HttpStatus.CREATED)
    LikeState like(@PathVariable String id, @Valid @RequestBody LikeRequest request) {
        return likes.like(id, request.userId());
    }

    @DeleteMapping("/{id}/likes/{userId}")
    LikeState unlike(@PathVariable String id, @PathVariable String userId) {
        return likes.unlike(id, userId);
    }
}
