package dev.twophase.demo.patterns;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Settings of the Saga, TCC and outbox flows, under {@code twophase.patterns}.
 *
 * @param timeout how long a Saga or TCC may stay before its debit or reservation is settled; after it, recovery undoes it
 * @param recoveryInterval how often the recovery timer looks for transfers a crash or failure left unfinished
 * @param staleAfter how long an unfinished transfer's log must be unchanged before recovery takes it: longer than a live
 *        request can stall on a lock or a pool (a TCC still trying when recovery takes it is cancelled)
 * @param relayInterval how often each bank's outbox relay publishes waiting events
 * @param relayBatch events one relay transaction publishes at most
 * @param poolSize connections of each bank's plain (non-XA) pool
 * @param creditConsumers consumers of the outbox transfer's credit events, {@code min-max}
 */
@ConfigurationProperties("twophase.patterns")
public record PatternProperties(
        @DefaultValue("30s") Duration timeout,
        @DefaultValue("1s") Duration recoveryInterval,
        @DefaultValue("10s") Duration staleAfter,
        @DefaultValue("100ms") Duration relayInterval,
        @DefaultValue("100") int relayBatch,
        @DefaultValue("8") int poolSize,
        @DefaultValue("1-4") String creditConsumers) {

    public PatternProperties {
        positive("timeout", timeout, "30s");
        positive("recovery-interval", recoveryInterval, "1s");
        positive("stale-after", staleAfter, "10s");
        positive("relay-interval", relayInterval, "100ms");
        if (relayBatch < 1) {
            throw new InvalidConfigurationPropertyValueException("twophase.patterns.relay-batch", relayBatch,
                    "a relay must publish at least one event per batch; set it to 1 or more, e.g. 100");
        }
        if (poolSize < 2) {
            throw new InvalidConfigurationPropertyValueException("twophase.patterns.pool-size", poolSize,
                    "each bank's plain pool needs at least 2 connections (a step and the relay); set it to 2 or more, e.g. 8");
        }
        if (creditConsumers == null || !creditConsumers.matches("[1-9]\\d*(-[1-9]\\d*)?")) {
            throw new InvalidConfigurationPropertyValueException("twophase.patterns.credit-consumers", creditConsumers,
                    "give the consumers as min-max or a single number, e.g. 1-4");
        }
    }

    private static void positive(String name, Duration value, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidConfigurationPropertyValueException("twophase.patterns." + name, value,
                    "it must be a positive duration, e.g. " + example);
        }
    }
}
