package dev.twophase.demo.likes;

import java.net.URI;

import org.springframework.http.ResponseEntity;

import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.web.NotFoundException;

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
    private final PatternLikes patterns;

    LikeController(LikeService likes, PatternLikes patterns) {
        this.likes = likes;
        this.patterns = patterns;
    }

    @GetMapping
    List<Article> list() {
        return likes.articles();
    }

    @GetMapping("/{id}")
    Article get(@PathVariable String id) {
        return likes.article(id).orElseThrow(() -> LikeRejectedException.unknownArticle(id));
    }

    /**
     * 201 with the like's state. With {@code mode} saga, tcc or outbox, the body is the like's log
     * ({@link PatternLike}): 201 once {@code DONE}, 202 while still on its way (the outbox, or a step
     * that failed unexpectedly and is left to recovery).
     */
    @PostMapping("/{id}/likes")
    ResponseEntity<?> like(@PathVariable String id, @Valid @RequestBody LikeRequest request) {
        PatternMode mode = mode(request.mode());
        if (mode == PatternMode.XA) {
            return ResponseEntity.status(HttpStatus.CREATED).body(likes.like(id, request.userId()));
        }
        PatternLike like = patterns.like(id, request.userId(), mode);
        URI location = URI.create("/api/articles/" + id + "/likes/" + request.userId() + "/" + like.id());
        return "DONE".equals(like.state()) ? ResponseEntity.created(location).body(like) : ResponseEntity.accepted().location(location).body(like);
    }

    /** A Saga, TCC or outbox like's log. */
    @GetMapping("/{id}/likes/{userId}/{likeId}")
    PatternLike patternLike(@PathVariable String id, @PathVariable String userId, @PathVariable String likeId) {
        return patterns.find(likeId).filter(l -> l.articleId().equals(id) && l.userId().equals(userId))
                .orElseThrow(() -> new NotFoundException("like", likeId));
    }

    private static PatternMode mode(String text) {
        return PatternMode.ofRequest(text, detail -> new LikeRejectedException(LikeRejectedException.Reason.INVALID_MODE, detail));
    }

    @DeleteMapping("/{id}/likes/{userId}")
    LikeState unlike(@PathVariable String id, @PathVariable String userId) {
        return likes.unlike(id, userId);
    }
}
