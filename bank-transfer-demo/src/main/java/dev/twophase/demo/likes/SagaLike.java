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
 * The like as a Saga of local transactions, orchestrated from its log in bank A, in the classic order:
 * <ol>
 * <li>{@code STARTED}: the log row, in its own local transaction;</li>
 * <li>count: the article's count + 1 in bank A, under the barrier (branch {@code count}), with the
 * moment a reader could first see it in the same local transaction, then {@code COUNTED};</li>
 * <li>record: in bank B, a unit of the day's quota, the like row and the like record (branch
 * {@code record}), then {@code DONE} with the {@code like} event in bank A's outbox.</li>
 * </ol>
 * A refused record (already liked, quota exhausted) compensates in reverse order: {@code COMPENSATING},
 * the record's compensation (undo it if a concurrent driver's record got through; otherwise a null
 * compensation that blocks one arriving late), then the count − 1 and {@code COMPENSATED} in one local
 * transaction of bank A. A refused count (unknown article) ends {@code REJECTED}: nothing ran.
 *
 * <p>Recovery: {@code STARTED} goes forward until its timeout and is compensated after; {@code COUNTED}
 * goes forward (its record may still be refused, and then compensates); {@code COMPENSATING} finishes.
 */
final class SagaLike extends LikePattern {

    static final String STARTED = "STARTED";
    static final String COUNTED = "COUNTED";
    static final String COMPENSATING = "COMPENSATING";
    static final String COMPENSATED = "COMPENSATED";

    static final List<String> CRASH_POINTS = List.of("saga-like.count.before-commit", "saga-like.count.after-commit",
            "saga-like.record.before-commit", "saga-like.record.after-commit", "saga-like.finish.before-commit",
            "saga-like.compensate.after-commit");

    SagaLike(LocalDatabase bankA, LocalDatabase bankB, Map<Bank, LikeLog> logs, DailyQuota quota, PatternFaults faults, ObjectMapper json,
            Duration timeout) {
        super(bankA, bankB, logs, quota, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.SAGA;
    }

    @Override
    LikeLog.Row newRow(String articleId, String userId) {
        return newRow(articleId, userId, STARTED, false);
    }

    @Override
    LikeLog.Row start(LikeLog.Row row) {
        return drive(logged(row));
    }

    @Override
    LikeLog.Row drive(LikeLog.Row row) {
        LikeRejectedException refused = null;
        while (!row.finished()) {
            row = switch (row.state()) {
                case STARTED -> {
                    if (now() > row.deadlineMs()) {
                        yield move(row, COMPENSATING, null, false, false);
                    }
                    try {
                        yield count(row);
                    } catch (LikeRejectedException e) {
                        refused = e;
                        yield reread(row);
                    }
                }
                case COUNTED -> {
                    try {
                        yield record(row);
                    } catch (LikeRejectedException e) {
                        refused = e;
                        yield move(row, COMPENSATING, e.reason().slug(), false, false);
                    }
                }
                case COMPENSATING -> compensate(row);
                default -> throw new IllegalStateException("saga like " + row.gid() + " is in unknown state " + row.state());
            };
        }
        logOutcome(row);
        if (!DONE.equals(row.state())) {
            throw rejection(row, refused);
        }
        return row;
    }

    private LikeLog.Row count(LikeLog.Row row) {
        BranchBarrier.Result<Object> result;
        try {
            result = bankA.step(row.gid(), "count", Op.ACTION, jdbc -> {
                count(jdbc, row, 1);
                log().exposed(row.gid(), now());
                faults.reach("saga-like.count.before-commit", row.gid());
                return null;
            });
        } catch (LikeRejectedException e) {
            // As the transfer's refused debit: fence out a concurrent driver's count with the compensation.
            move(row, COMPENSATING, e.reason().slug(), false, false);
            throw e;
        }
        faults.reach("saga-like.count.after-commit", row.gid());
        if (result.outcome() == BranchBarrier.Outcome.HANGING) {
            return move(row, COMPENSATING, null, false, false);
        }
        return move(row, COUNTED, null, true, false);
    }

    private LikeLog.Row record(LikeLog.Row row) {
        quota.open(row.userId(), day(row));
        BranchBarrier.Result<Object> result = bankB.step(row.gid(), "record", Op.ACTION, jdbc -> {
            like(jdbc, row, true);
            faults.reach("saga-like.record.before-commit", row.gid());
            return null;
        });
        faults.reach("saga-like.record.after-commit", row.gid());
        if (result.outcome() == BranchBarrier.Outcome.HANGING) {
            return reread(row);
        }
        return finish(row, COUNTED, "saga-like.finish.before-commit");
    }

    private LikeLog.Row compensate(LikeLog.Row row) {
        // Reverse order: the record first. Its barrier makes this right whether the record ran (undo it), never ran
        // (null compensation: a record arriving later is blocked) or was refused while another driver's went through.
        bankB.step(row.gid(), "record", Op.COMPENSATE, jdbc -> {
            unlike(jdbc, row);
            return null;
        });
        faults.reach("saga-like.compensate.after-commit", row.gid());
        // The count and the log are both in bank A: taking the count back ends the Saga in the same local transaction.
        BranchBarrier.Result<Object> count = bankA.step(row.gid(), "count", Op.COMPENSATE, jdbc -> {
            count(jdbc, row, -1);
            log().transition(row.gid(), COMPENSATING, COMPENSATED, null, false, true, now());
            return null;
        });
        if (count.outcome() == BranchBarrier.Outcome.RAN) {
            return reread(row);
        }
        // Nothing was counted: a refused count ends REJECTED, a timed-out Saga COMPENSATED (with nothing to take back).
        return move(row, row.failure() != null ? REJECTED : COMPENSATED, null, false, true);
    }
}
