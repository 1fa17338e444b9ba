package dev.twophase.demo.orders;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Retry settings of the inventory flow, under {@code twophase.orders}.
 *
 * <p>Why 12 attempts are enough for the race test (50 buyers, 10 items, quantity 1): an
 * optimistic attempt conflicts only when the version changed between its read and its update,
 * and on PostgreSQL (READ COMMITTED) that means another buyer's order <em>committed</em> in
 * between: the conditional update waits for a concurrent writer of the row and matches again if
 * that writer rolled back. Each retry reads the newer version, so each conflict of one buyer is a
 * different sale. With 10 items there are at most 10 sales, so no buyer conflicts more than 10
 * times; its 11th attempt succeeds or sees the stock at 0 and is refused as out of stock. 12
 * leaves one spare. In general a buyer can lose to every other sale of the product, so a hot
 * product with more stock needs more attempts (or the pessimistic strategy).
 *
 * @param optimisticMaxAttempts transactions an optimistic order may run (first try plus retries)
 *        before it is refused with 409 {@code concurrent-modification}; at least 1
 * @param optimisticBackoff base of the jittered exponential backoff between optimistic attempts
 *        (attempt n waits a random time up to base × 2^(n-1), capped at 100 ms or the base if larger)
 */
@ConfigurationProperties("twophase.orders")
public record OrderProperties(@DefaultValue("12") int optimisticMaxAttempts, @DefaultValue("5ms") Duration optimisticBackoff) {

    public OrderProperties {
        if (optimisticMaxAttempts < 1) {
            throw new InvalidConfigurationPropertyValueException("twophase.orders.optimistic-max-attempts",
                    optimisticMaxAttempts, "Set it to at least 1 (1 means no retry).");
        }
        if (optimisticBackoff == null || optimisticBackoff.isNegative()) {
            throw new InvalidConfigurationPropertyValueException("twophase.orders.optimistic-backoff",
                    optimisticBackoff, "Set it to a duration of 0 or more, e.g. 5ms.");
        }
    }
}
