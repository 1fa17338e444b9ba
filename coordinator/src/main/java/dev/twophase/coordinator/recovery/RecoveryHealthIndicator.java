package dev.twophase.coordinator.recovery;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health contributor {@code recovery}: UP once startup recovery is complete, OUT_OF_SERVICE while
 * it is still recovering (branches from before the restart may hold locks), DOWN when it is
 * overdue; the figures of {@link RecoveryStatus} as details. Values are point-in-time.
 *
 * <p>Put it in the readiness group, not liveness: restarting an application because a participant
 * is unreachable does not make recovery any faster.
 */
public final class RecoveryHealthIndicator implements HealthIndicator {

    private final PromptRecovery recovery;
    private final Clock clock;

    public RecoveryHealthIndicator(PromptRecovery recovery) {
        this(recovery, Clock.systemUTC());
    }

    RecoveryHealthIndicator(PromptRecovery recovery, Clock clock) {
        this.recovery = recovery;
        this.clock = clock;
    }

    @Override
    public Health health() {
        RecoveryStatus status = recovery.status();
        Health.Builder health = switch (status.state()) {
            case COMPLETE -> Health.up();
            case RECOVERING -> Health.outOfService();
            case OVERDUE -> Health.down();
        };
        health.withDetail("state", status.state().name());
        detail(health, "startedAt", status.startedAt());
        detail(health, "completedAt", status.completedAt());
        health.withDetail("durationMs", status.duration(clock.instant()).toMillis())
                .withDetail("committed", status.committed())
                .withDetail("rolledBack", status.rolledBack())
                .withDetail("heuristic", status.heuristic())
                .withDetail("pending", status.pending());
        Map<String, Object> participants = new LinkedHashMap<>();
        status.participants().forEach((name, p) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("registered", p.registered());
            details.put("covered", p.covered());
            details.put("pendingXids", p.pendingXids());
            if (p.lastError() != null) {
                details.put("lastError", p.lastError());
            }
            if (p.lastScanAt() != null) {
                details.put("lastScanAt", p.lastScanAt().toString());
            }
            participants.put(name, details);
        });
        return health.withDetail("participants", participants).build();
    }

    private static void detail(Health.Builder health, String key, Object value) {
        if (value != null) {
            health.withDetail(key, value.toString());
        }
    }
}
