package dev.twophase.demo.likes;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.demo.patterns.PatternMode;

/**
 * The like as a Saga, a TCC or through the outbox: picks the engine for the request's mode, finds a
 * like by id in the logs, and recovers what a crash or a failure left unfinished. Unlikes stay XA.
 */
public class PatternLikes {

    private static final Logger log = LoggerFactory.getLogger(PatternLikes.class);
    private static final int BATCH = 50;

    private final Map<PatternMode, LikePattern> engines = new EnumMap<>(PatternMode.class);
    private final Collection<LikeLog> logs;

    PatternLikes(List<LikePattern> engines, Collection<LikeLog> logs) {
        engines.forEach(e -> this.engines.put(e.mode(), e));
        this.logs = logs;
    }

    /**
     * The user likes the article in {@code mode} (not XA).
     *
     * @return the like's log: {@code DONE}, or (outbox, or after an unexpected failure once logged) a state in progress
     * @throws LikeRejectedException when refused; the message says what was undone
     */
    public PatternLike like(String articleId, String userId, PatternMode mode) {
        LikeService.validate(articleId, userId);
        LikePattern engine = engine(mode);
        LikeLog.Row row = engine.newRow(articleId, userId);
        try {
            return PatternLike.of(engine.start(row));
        } catch (LikeRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            // Some local transactions may have committed: answer with the log (202) and leave the like to recovery.
            Optional<LikeLog.Row> logged;
            try {
                logged = engine.log().find(row.gid());
            } catch (RuntimeException unreadable) {
                e.addSuppressed(unreadable);
                throw e;
            }
            if (logged.isEmpty()) {
                throw e;
            }
            if (logged.get().finished() && !LikePattern.DONE.equals(logged.get().state())) {
                // Undone before the failure: answer as the undo says, not "on its way".
                throw LikePattern.rejection(logged.get(), null);
            }
            log.warn("Like {} failed in state {} and is left to recovery: {}", row.gid(), logged.get().state(), e.toString());
            return PatternLike.of(logged.get());
        }
    }

    /** The like with this id, from whichever bank's log holds it. */
    public Optional<PatternLike> find(String id) {
        for (LikeLog l : logs) {
            Optional<LikeLog.Row> row = l.find(id);
            if (row.isPresent()) {
                return row.map(PatternLike::of);
            }
        }
        return Optional.empty();
    }

    LikePattern engine(PatternMode mode) {
        LikePattern engine = engines.get(mode);
        if (engine == null) {
            throw new IllegalArgumentException("no like engine for mode " + mode);
        }
        return engine;
    }

    /**
     * One recovery pass over both logs: each unfinished like unchanged for {@code staleAfter} is driven on
     * by its mode's rules; safe on several instances at once.
     *
     * @return how many likes it drove to a final state
     */
    int recoverOnce(Duration staleAfter) {
        int finished = 0;
        for (LikeLog likeLog : logs) {
            finished += likeLog.recoverStale("like", LikePattern.now() - staleAfter.toMillis(), BATCH, row -> engine(row.mode()).drive(row),
                    e -> e instanceof LikeRejectedException r ? r.reason().slug() : null);
        }
        return finished;
    }
}
