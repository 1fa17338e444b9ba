package dev.twophase.demo.likes;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.tx.DeadlockRetry;
import dev.twophase.demo.tx.FlowTransactions;
import dev.twophase.demo.likes.LikeLedger.Action;
import dev.twophase.demo.likes.LikeRejectedException.Reason;

/**
 * Likes and unlikes of articles: the user's like row, the like record and the daily quota in
 * bank B, the article's like count in bank A and the {@code likes} event, all in one JTA
 * transaction, so all of it commits or none of it does. Only the user's quota row for the day is
 * created, when missing, in a short transaction of its own before the like's ({@link DailyQuota#open}).
 *
 * <p>Lock order: every like and unlike takes its bank B locks before its bank A lock. A
 * transaction that holds an article's row lock in bank A therefore never waits for bank B, so no
 * deadlock can span the two databases (neither database could see it; it would only end at the
 * transaction timeout). Deadlocks inside bank B are detected by it; the loser is run again.
 */
public class LikeService {

    private static final Logger log = LoggerFactory.getLogger(LikeService.class);

    private final LikeLedger likes;
    private final DailyQuota quota;
    private final ArticleStore articles;
    private final LikeEvents events;
    private final FlowTransactions tx;
    private final DeadlockRetry retry;

    LikeService(LikeLedger likes, DailyQuota quota, ArticleStore articles, LikeEvents events, FlowTransactions tx,
            DeadlockRetry retry) {
        this.likes = likes;
        this.quota = quota;
        this.articles = articles;
        this.events = events;
        this.tx = tx;
        this.retry = retry;
    }

    /**
     * The user likes the article: one unit of today's quota, one like row, one like record, the
     * article's count + 1 and one {@code like} event.
     *
     * <p>Joins the caller's transaction when there is one (the quota row is opened in a transaction
     * of its own meanwhile); otherwise runs in its own, retried after a deadlock.
     *
     * @throws LikeRejectedException already liked, quota exhausted, unknown article or invalid id; nothing was changed
     */
    public LikeState like(String articleId, String userId) {
        validate(articleId, userId);
        return retriedUnlessJoined("Like of " + articleId + " by " + userId, () -> {
            // Before the like's transaction, in a short one of its own: the like then only updates an
            // existing quota row, which locks that one row and takes no gap lock (see DailyQuota).
            LocalDate day = quota.open(userId);
            return tx.execute(status -> likeWithin(day, articleId, userId));
        });
    }

    private LikeState likeWithin(LocalDate day, String articleId, String userId) {
        // Bank B first (see the class comment). The quota row is taken first: it serialises the
        // likes of one user, so two likes of the same article cannot deadlock on its like row.
        try {
            quota.take(userId, day);
        } catch (LikeRejectedException exhausted) {
            // A more specific answer wins over 429; plain reads, no locks.
            if (!articles.exists(articleId)) {
                throw LikeRejectedException.unknownArticle(articleId);
            }
            throw likes.exists(userId, articleId) ? alreadyLiked(articleId, userId) : exhausted;
        }
        // The primary key (user, article) is the duplicate guard.
        try {
            likes.insertLike(userId, articleId);
        } catch (DuplicateKeyException e) {
            throw alreadyLiked(articleId, userId);
        }
        String eventId = EventPublisher.newEventId();
        likes.recordAction(eventId, userId, articleId, Action.LIKE);
        long count = articles.addLikes(articleId, 1).orElseThrow(() -> LikeRejectedException.unknownArticle(articleId));
        events.publish(eventId, Action.LIKE, userId, articleId, count);
        log.debug("Like {} of {} by {} done (count {}), committing", eventId, articleId, userId, count);
        return new LikeState(articleId, userId, true, count);
    }

    /**
     * The user no longer likes the article: the like row goes, one unlike record, the article's
     * count - 1 and one {@code unlike} event. The daily quota is not given back: otherwise
     * like/unlike cycles would have no limit.
     *
     * @throws LikeRejectedException not liked, unknown article or invalid id; nothing was changed
     */
    public LikeState unlike(String articleId, String userId) {
        validate(articleId, userId);
        return retriedUnlessJoined("Unlike of " + articleId + " by " + userId, () -> tx.execute(status -> {
            if (!likes.deleteLike(userId, articleId)) {
                if (!articles.exists(articleId)) {
                    throw LikeRejectedException.unknownArticle(articleId);
                }
                throw new LikeRejectedException(Reason.NOT_LIKED,
                        "User '" + userId + "' does not like article '" + articleId + "'; there is nothing to unlike.");
            }
            String eventId = EventPublisher.newEventId();
            likes.recordAction(eventId, userId, articleId, Action.UNLIKE);
            long count = articles.addLikes(articleId, -1).orElseThrow(() -> LikeRejectedException.unknownArticle(articleId));
            events.publish(eventId, Action.UNLIKE, userId, articleId, count);
            log.debug("Unlike {} of {} by {} done (count {}), committing", eventId, articleId, userId, count);
            return new LikeState(articleId, userId, false, count);
        }));
    }

    /** Every article with its like count, by id. */
    public List<Article> articles() {
        return tx.execute(status -> articles.all());
    }

    /** The article with this id, if there is one. */
    public Optional<Article> article(String articleId) {
        if (articleId == null || !articleId.matches(LikeRequest.ARTICLE_ID_PATTERN)) {
            return Optional.empty();
        }
        return tx.execute(status -> articles.find(articleId));
    }

    /**
     * Runs the work, which starts or joins the transaction(s) it needs. Joined to a caller's
     * transaction it runs once: a deadlock there must end the caller's transaction. Otherwise the
     * whole work runs again after a deadlock.
     */
    private LikeState retriedUnlessJoined(String what, Supplier<LikeState> work) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return work.get();
        }
        return retry.run(what, work);
    }

    private static LikeRejectedException alreadyLiked(String articleId, String userId) {
        return new LikeRejectedException(Reason.ALREADY_LIKED,
                "User '" + userId + "' already likes article '" + articleId + "'; a like counts once.");
    }

    static void validate(String articleId, String userId) {
        if (userId == null || !userId.matches(LikeRequest.USER_ID_PATTERN)) {
            throw new LikeRejectedException(Reason.INVALID_REQUEST, "userId " + LikeRequest.USER_ID_RULE + ".");
        }
        // Such an id cannot be in the article table (ids are at most 32 characters).
        if (articleId == null || !articleId.matches(LikeRequest.ARTICLE_ID_PATTERN)) {
            throw LikeRejectedException.unknownArticle(articleId);
        }
    }
}
