package dev.twophase.coordinator.metrics;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.transaction.HeuristicCompletionException;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Counts the transactions begun through Spring's transaction manager by outcome, for the console
 * and for Micrometer: {@code twophase.transactions{outcome=committed|rolled_back|heuristic|failed}}
 * and the gauge {@code twophase.transactions.in_flight}. A transaction joined by an inner
 * {@code @Transactional} counts once. {@code failed}: the commit threw something other than a
 * heuristic or rollback (the outcome may be unknown to the caller; recovery completes it).
 * Thread-safe.
 */
public final class TransactionOutcomes implements TransactionExecutionListener, MeterBinder {

    private final AtomicLong begun = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicLong heuristic = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    @Override
    public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
        if (beginFailure == null && transaction.isNewTransaction()) {
            begun.incrementAndGet();
        }
    }

    @Override
    public void afterCommit(TransactionExecution transaction, Throwable commitFailure) {
        if (!transaction.isNewTransaction()) {
            return;
        }
        if (commitFailure == null) {
            committed.incrementAndGet();
        } else if (commitFailure instanceof HeuristicCompletionException) {
            heuristic.incrementAndGet();
        } else if (commitFailure instanceof org.springframework.transaction.UnexpectedRollbackException) {
            rolledBack.incrementAndGet();
        } else {
            failed.incrementAndGet();
        }
    }

    @Override
    public void afterRollback(TransactionExecution transaction, Throwable rollbackFailure) {
        if (transaction.isNewTransaction()) {
            // A rollback that failed still ends the transaction; recovery rolls back what is left.
            rolledBack.incrementAndGet();
        }
    }

    public long committed() {
        return committed.get();
    }

    public long rolledBack() {
        return rolledBack.get();
    }

    /** Commits that ended with a heuristic outcome. */
    public long heuristic() {
        return heuristic.get();
    }

    /** Commits that failed with an exception other than a rollback or a heuristic. */
    public long failed() {
        return failed.get();
    }

    /** Begun and not completed yet. */
    public long inFlight() {
        return Math.max(0, begun.get() - committed.get() - rolledBack.get() - heuristic.get() - failed.get());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        outcome(registry, "committed", TransactionOutcomes::committed);
        outcome(registry, "rolled_back", TransactionOutcomes::rolledBack);
        outcome(registry, "heuristic", TransactionOutcomes::heuristic);
        outcome(registry, "failed", TransactionOutcomes::failed);
        Gauge.builder("twophase.transactions.in_flight", this, TransactionOutcomes::inFlight)
                .description("JTA transactions begun and not yet completed").register(registry);
    }

    private void outcome(MeterRegistry registry, String outcome, java.util.function.ToLongFunction<TransactionOutcomes> count) {
        FunctionCounter.builder("twophase.transactions", this, o -> count.applyAsLong(o)).tag("outcome", outcome)
                .description("JTA transactions completed, by outcome").register(registry);
    }
}
