package dev.twophase.demo.tx;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * Runs a whole transaction again when a database chose it as a deadlock victim. MariaDB/MySQL
 * aborts one of two transactions that wait on each other (error 1213; Spring's
 * {@link PessimisticLockingFailureException} and its subclasses) and has already rolled its work
 * back, so running the same work again in a new transaction is safe.
 *
 * <p>Only for work that starts its own transaction: a transaction that joined a caller's cannot be
 * retried on its own.
 */
public final class DeadlockRetry {

    private static final Logger log = LoggerFactory.getLogger(DeadlockRetry.class);

    private final int maxRetries;
    private final Duration baseBackoff;
    private final Runnable onRetry;

    /**
     * @param maxRetries how many times to run the work again after the first attempt
     * @param baseBackoff the mean pause before the first retry; doubled before each further retry
     * @param onRetry called before each retry (a metric)
     */
    public DeadlockRetry(int maxRetries, Duration baseBackoff, Runnable onRetry) {
        this.maxRetries = maxRetries;
        this.baseBackoff = baseBackoff;
        this.onRetry = onRetry;
    }

    /**
     * Runs the work, and again after a lock failure, at most {@code maxRetries} more times; then
     * lets the last lock failure propagate. Every other exception propagates at once.
     */
    public <T> T run(String what, Supplier<T> work) {
        for (int retry = 0;; retry++) {
            try {
                return work.get();
            } catch (PessimisticLockingFailureException e) {
                if (retry >= maxRetries) {
                    log.warn("{} lost a lock conflict {} times; giving up: {}", what, retry + 1, e.getMostSpecificCause().toString());
                    throw e;
                }
                long pause = backoffMillis(baseBackoff, retry, ThreadLocalRandom.current().nextDouble());
                log.info("{} was rolled back by a lock conflict ({}); retry {}/{} in {} ms", what,
                        e.getMostSpecificCause().getMessage(), retry + 1, maxRetries, pause);
                onRetry.run();
                sleep(pause, e);
            }
        }
    }

    /**
     * The pause before retry number {@code retry + 1}: {@code base * 2^retry}, spread by ±50% so
     * that two transactions that deadlocked together do not collide again in step.
     *
     * @param random a number in [0, 1)
     */
    static long backoffMillis(Duration base, int retry, double random) {
        double mean = base.toMillis() * Math.pow(2, retry);
        return Math.round(mean * (0.5 + random));
    }

    private static void sleep(long millis, RuntimeException cause) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            cause.addSuppressed(interrupted);
            throw cause;
        }
    }
}
