package dev.twophase.demo.likes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.patterns.BranchBarrier;
import dev.twophase.demo.patterns.BranchBarrier.Op;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * The like as Try-Confirm-Cancel over local transactions, orchestrated from its log in bank A:
 * <ol>
 * <li>{@code TRYING}: the log row; then the tries, each under the barrier: branch {@code count} checks
 * that the article exists (bank A reserves nothing), branch {@code record} reserves the like in bank B
 * (a unit of the day's quota and the like row, which keeps a second like of the same user out);</li>
 * <li>{@code CONFIRMING} once both tries succeeded: branch {@code record} writes the like record, branch
 * {@code count} adds 1 to the article's count;</li>
 * <li>{@code DONE} with the {@code like} event in bank A's outbox.</li>
 * </ol>
 * A refused try cancels: {@code CANCELLING}, the {@code record} branch's cancel (the like row and the
 * quota unit back), then the {@code count} branch's cancel with {@code CANCELLED} in one local
 * transaction of bank A. Recovery is presumed abort: {@code TRYING} is cancelled, {@code CONFIRMING}
 * confirmed, {@code CANCELLING} cancelled.
 */
final class TccLike extends LikePattern {

    static final String TRYING = "TRYING";
    static final String CONFIRMING = "CONFIRMING";
    static final String CANCELLING = "CANCELLING";
    static final String CANCELLED = "CANCELLED";

    static final List<String> CRASH_POINTS = List.of("tcc-like.try-count.after-commit", "tcc-like.try-record.after-commit",
            "tcc-like.confirming.after-commit", "tcc-like.confirm-record.after-commit", "tcc-like.confirm-count.after-commit",
            "tcc-like.cancel-record.after-commit");

    TccLike(LocalDatabase bankA, LocalDatabase bankB, Map<Bank, LikeLog> logs, DailyQuota quota, PatternFaults faults, ObjectMapper json,
            Duration timeout) {
        super(bankA, bankB, logs, quota, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.TCC;
    }

    @Override
    LikeLog.Row newRow(String articleId, String userId) {
        return newRow(articleId, userId, TRYING, false);
    }

    @Override
    LikeLog.Row start(LikeLog.Row row) {
        row = logged(row);
        LikeRejectedException refused = null;
        try {
            row = tryBoth(row);
        } catch (LikeRejectedException e) {
            refused = e;
            row = move(row, CANCELLING, e.reason().slug(), false, false);
        }
        return settle(row, refused);
    }

    @Override
    LikeLog.Row drive(LikeLog.Row row) {
        return settle(row, null);
    }

    private LikeLog.Row settle(LikeLog.Row row, LikeRejectedException refused) {
        while (!row.finished()) {
            row = switch (row.state()) {
                // Only a crash or a failure leaves TRYING to this loop: recovery never tries again.
                case TRYING -> move(row, CANCELLING, null, false, false);
                case CONFIRMING -> confirm(row);
                case CANCELLING -> cancel(row);
                default -> throw new IllegalStateException("TCC like " + row.gid() + " is in unknown state " + row.state());
            };
        }
        logOutcome(row);
        if (!DONE.equals(row.state())) {
            throw rejection(row, refused);
        }
        return row;
    }

    private LikeLog.Row tryBoth(LikeLog.Row row) {
        BranchBarrier.Result<Object> count = bankA.step(row.gid(), "count", Op.TRY, jdbc -> {
            if (jdbc.queryForList("SELECT id FROM article WHERE id = ?", String.class, row.articleId()).isEmpty()) {
                throw LikeRejectedException.unknownArticle(row.articleId());
            }
            return null;
        });
        faults.reach("tcc-like.try-count.after-commit", row.gid());
        quota.open(row.userId(), day(row));
        BranchBarrier.Result<Object> record = bankB.step(row.gid(), "record", Op.TRY, jdbc -> {
            like(jdbc, row, false);
            return null;
        });
        faults.reach("tcc-like.try-record.after-commit", row.gid());
        if (count.outcome() == BranchBarrier.Outcome.HANGING || record.outcome() == BranchBarrier.Outcome.HANGING) {
            return reread(row);
        }
        LikeLog.Row confirming = move(row, CONFIRMING, null, true, false);
        faults.reach("tcc-like.confirming.after-commit", row.gid());
        return confirming;
    }

    private LikeLog.Row confirm(LikeLog.Row row) {
        bankB.step(row.gid(), "record", Op.CONFIRM, jdbc -> {
            record(jdbc, row);
            return null;
        });
        faults.reach("tcc-like.confirm-record.after-commit", row.gid());
        bankA.step(row.gid(), "count", Op.CONFIRM, jdbc -> {
            count(jdbc, row, 1);
            return null;
        });
        faults.reach("tcc-like.confirm-count.after-commit", row.gid());
        return finish(row, CONFIRMING, null);
    }

    private LikeLog.Row cancel(LikeLog.Row row) {
        bankB.step(row.gid(), "record", Op.CANCEL, jdbc -> {
            unlike(jdbc, row);
            return null;
        });
        faults.reach("tcc-like.cancel-record.after-commit", row.gid());
        BranchBarrier.Result<Object> count = bankA.step(row.gid(), "count", Op.CANCEL, jdbc -> {
            log().transition(row.gid(), CANCELLING, CANCELLED, null, false, true, now());
            return null;
        });
        return count.outcome() == BranchBarrier.Outcome.RAN ? reread(row) : move(row, CANCELLED, null, false, true);
    }
}
