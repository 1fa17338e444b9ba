package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.metrics.RecoveryMetrics;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XidText;

class RecoveryMetricsTest {

    private static final Instant STARTED = Instant.parse("2026-11-21T10:00:00Z");

    private final FakeAtomikos atomikos = new FakeAtomikos();
    private final HeuristicRegistry heuristics = new HeuristicRegistry();
    private final FakeResourceManager bankA = new FakeResourceManager("bankA");
    private final PromptRecovery recovery = new PromptRecovery(CoordinatorIncarnation.started(TmName.of("demo-1"), STARTED,
            Set.of()), new PromptRecovery.Settings(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(2),
                    Set.of()), heuristics, atomikos, new MutableClock(STARTED.plusSeconds(1)));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void countsCompletedBranchesAndShowsWhatIsPending() {
        PlainXid committed = Xids.atomikos("demo-1", STARTED.toEpochMilli() - 5_000, 1, 1);
        PlainXid waiting = Xids.atomikos("demo-1", STARTED.toEpochMilli() - 5_000, 2, 1);
        bankA.prepared(committed).prepared(waiting);
        atomikos.register(bankA).committing(XidText.gtrid(committed));
        atomikos.record(XidText.gtrid(waiting), "IN_DOUBT");
        try (RecoveryMetrics metrics = new RecoveryMetrics(recovery, heuristics)) {
            metrics.bindTo(meters);
            recovery.begin();
            recovery.runPass();

            assertThat(meters.get("twophase.recovery.branches").tag("outcome", "committed").functionCounter().count())
                    .isEqualTo(1);
            assertThat(meters.get("twophase.recovery.branches").tag("outcome", "rolled_back").functionCounter().count())
                    .isZero();
            assertThat(meters.get("twophase.recovery.branches").tag("outcome", "heuristic").functionCounter().count())
                    .isZero();
            assertThat(meters.get("twophase.recovery.pending").gauge().value()).isEqualTo(1);
            assertThat(meters.get("twophase.recovery.duration").timeGauge()).isNotNull();
        }
    }

    @Test
    void countsHeuristicsPerParticipantIncludingThoseRecordedBeforeBinding() {
        PlainXid xid = Xids.atomikos("demo-1", 1L, 1, 1);
        heuristics.record("bankB", xid, Decision.COMMIT, Observed.ROLLED_BACK, "before binding");
        RecoveryMetrics metrics = new RecoveryMetrics(recovery, heuristics);
        metrics.bindTo(meters);

        heuristics.record("broker", xid, Decision.COMMIT, Observed.MIXED, "after binding");
        heuristics.record("broker", xid, Decision.COMMIT, Observed.MIXED, "again");
        metrics.close();
        heuristics.record("bankA", xid, Decision.ROLLBACK, Observed.COMMITTED, "after close");

        assertThat(meters.get("twophase.heuristics").tag("participant", "bankB").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("twophase.heuristics").tag("participant", "broker").functionCounter().count()).isEqualTo(2);
        assertThat(meters.find("twophase.heuristics").tag("participant", "bankA").functionCounter()).isNull();
    }
}
