package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import javax.transaction.xa.XAException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.xa.PlainXid;

class RecoveryHealthIndicatorTest {

    private static final Instant STARTED = Instant.parse("2026-11-21T10:00:00Z");

    private final MutableClock clock = new MutableClock(STARTED.plusSeconds(1));
    private final FakeAtomikos atomikos = new FakeAtomikos();
    private final FakeResourceManager bankA = new FakeResourceManager("bankA");
    private final PlainXid earlier = Xids.atomikos("demo-1", STARTED.toEpochMilli() - 1_000, 1, 1);
    private final PromptRecovery recovery = new PromptRecovery(CoordinatorIncarnation.started(TmName.of("demo-1"), STARTED,
            Set.of()), new PromptRecovery.Settings(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(2),
                    Set.of("bankA")), new HeuristicRegistry(), atomikos, clock);
    private final RecoveryHealthIndicator indicator = new RecoveryHealthIndicator(recovery, clock);

    @Test
    void isOutOfServiceWhileRecoveringAndUpOnceComplete() {
        bankA.prepared(earlier);
        bankA.unreachable(XAException.XAER_RMFAIL);
        atomikos.register(bankA);
        recovery.begin();
        recovery.runPass();
        clock.advance(Duration.ofMillis(2500));

        Health recovering = indicator.health();
        assertThat(recovering.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(recovering.getDetails()).containsEntry("state", "RECOVERING").containsEntry("durationMs", 2500L)
                .containsEntry("startedAt", STARTED.plusSeconds(1).toString()).doesNotContainKey("completedAt");
        assertThat(participant(recovering, "bankA")).containsEntry("registered", true).containsEntry("covered", false)
                .containsEntry("lastError", "recover failed with XAER_RMFAIL (-7)").doesNotContainKey("lastScanAt");

        bankA.reachable();
        recovery.runPass();
        clock.advance(Duration.ofSeconds(30));

        Health up = indicator.health();
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(up.getDetails()).containsEntry("state", "COMPLETE").containsEntry("durationMs", 2500L)
                .containsEntry("rolledBack", 1L).containsEntry("committed", 0L).containsEntry("heuristic", 0L)
                .containsEntry("pending", 0).containsEntry("completedAt", STARTED.plusMillis(3500).toString());
        assertThat(participant(up, "bankA")).containsEntry("covered", true).containsEntry("pendingXids", java.util.List.of())
                .doesNotContainKey("lastError").containsKey("lastScanAt");
    }

    @Test
    void isDownWhenOverdue() {
        recovery.begin();
        recovery.runPass();
        clock.advance(Duration.ofSeconds(60));

        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("state", "OVERDUE");
        assertThat(participant(health, "bankA")).containsEntry("registered", false);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> participant(Health health, String name) {
        return ((Map<String, Map<String, Object>>) health.getDetails().get("participants")).get(name);
    }
}
