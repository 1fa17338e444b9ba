package dev.twophase.demo.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.dao.PessimisticLockingFailureException;

import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

class DeadlockRetryTest {

    private final AtomicInteger retries = new AtomicInteger();
    private final DeadlockRetry retry = new DeadlockRetry(3, Duration.ofMillis(1), retries::incrementAndGet);

    @Test
    void runsTheWorkAgainAfterLockFailuresUntilItSucceeds() {
        AtomicInteger attempts = new AtomicInteger();

        String result = retry.run("test", () -> {
            if (attempts.incrementAndGet() <= 3) {
                throw new CannotAcquireLockException("Deadlock found when trying to get lock");
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(4);
        assertThat(retries).hasValue(3);
    }

    @Test
    void givesUpAfterThreeRetriesWithTheLastLockFailure() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retry.run("test", () -> {
            throw new PessimisticLockingFailureException("deadlock " + attempts.incrementAndGet());
        })).isInstanceOf(PessimisticLockingFailureException.class).hasMessage("deadlock 4");

        assertThat(retries).hasValue(3);
    }

    @Test
    void otherFailuresAndRejectionsPropagateAtOnce() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retry.run("test", () -> {
            attempts.incrementAndGet();
            throw new DataIntegrityViolationException("duplicate");
        })).isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> retry.run("test", () -> {
            attempts.incrementAndGet();
            throw new RejectedException(new Rejection(HttpStatus.NOT_FOUND, "unknown-article", "Unknown article"), "art-9");
        })).isInstanceOf(RejectedException.class);

        assertThat(attempts).hasValue(2);
        assertThat(retries).hasValue(0);
    }

    @Test
    void backoffDoublesPerRetryAndSpreadsByHalfEitherWay() {
        Duration base = Duration.ofMillis(20);

        assertThat(DeadlockRetry.backoffMillis(base, 0, 0.0)).isEqualTo(10);
        assertThat(DeadlockRetry.backoffMillis(base, 0, 0.5)).isEqualTo(20);
        assertThat(DeadlockRetry.backoffMillis(base, 0, 0.999)).isEqualTo(30);
        assertThat(DeadlockRetry.backoffMillis(base, 1, 0.5)).isEqualTo(40);
        assertThat(DeadlockRetry.backoffMillis(base, 2, 0.5)).isEqualTo(80);
    }
}
