package dev.twophase.coordinator.recovery;

import java.util.List;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health contributor {@code takeover}: always UP (a takeover that leaves work behind is retried and
 * does not make this instance unfit), with the TM names this instance is recovering for now and the
 * latest takeovers as details.
 */
public final class TakeoverHealthIndicator implements HealthIndicator {

    private final Takeover takeover;

    public TakeoverHealthIndicator(Takeover takeover) {
        this.takeover = takeover;
    }

    @Override
    public Health health() {
        List<String> recent = takeover.recent().stream().map(Takeover.Report::summary).toList();
        return Health.up().withDetail("recoveringFor", takeover.recoveringFor()).withDetail("takeovers", takeover.count())
                .withDetail("recent", recent).build();
    }
}
