package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.PlainXid;

class HeuristicRegistryTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    private final HeuristicRegistry registry = new HeuristicRegistry(Clock.fixed(NOW, ZoneOffset.UTC), 3);
    private final PlainXid xid = Xids.atomikos("demo-1", 1_763_719_200_000L, 7, 3);

    @Test
    void logsEachOutcomeOnceAtErrorWithTheFixedPrefix() {
        try (LogCapture logs = new LogCapture(HeuristicRegistry.class)) {
            registry.record("broker", xid, Decision.COMMIT, Observed.MIXED, "commit replayed by recovery returned XA_HEURMIX");

            assertThat(logs.lines(Level.ERROR)).containsExactly("HEURISTIC OUTCOME participant=broker"
                    + " xid=demo-1.176371920000000007:demo-1.3 expected=COMMIT observed=MIXED:"
                    + " commit replayed by recovery returned XA_HEURMIX");
        }
    }

    @Test
    void keepsTheLatestOutcomesAndCountsAllOfThemPerParticipant() {
        for (int i = 0; i < 4; i++) {
            registry.record(i % 2 == 0 ? "bankA" : "bankB", Xids.atomikos("demo-1", 1L, i, 1), Decision.ROLLBACK,
                    Observed.COMMITTED, "n" + i);
        }

        assertThat(registry.recent()).extracting(HeuristicOutcome::detail).containsExactly("n1", "n2", "n3");
        assertThat(registry.recent()).allSatisfy(o -> assertThat(o.at()).isEqualTo(NOW));
        assertThat(registry.countsByParticipant()).containsOnly(
                org.assertj.core.api.Assertions.entry("bankA", 2L), org.assertj.core.api.Assertions.entry("bankB", 2L));
        assertThat(registry.total()).isEqualTo(4);
        assertThat(registry.count("broker")).isZero();
    }

    @Test
    void tellsListenersUntilTheirSubscriptionIsClosed() {
        List<String> seen = new ArrayList<>();
        HeuristicRegistry.Subscription subscription = registry.onRecord(o -> seen.add(o.participant()));
        registry.onRecord(o -> {
            throw new IllegalStateException("a broken listener must not hide the outcome");
        });

        registry.record("bankA", xid, Decision.COMMIT, Observed.ROLLED_BACK, "d");
        subscription.close();
        registry.record("bankB", xid, Decision.COMMIT, Observed.ROLLED_BACK, "d");

        assertThat(seen).containsExactly("bankA");
        assertThat(registry.total()).isEqualTo(2);
    }

    @Test
    void namesWhatEachXaCodeReports() {
        assertThat(Observed.ofXaErrorCode(javax.transaction.xa.XAException.XA_HEURCOM)).isEqualTo(Observed.COMMITTED);
        assertThat(Observed.ofXaErrorCode(javax.transaction.xa.XAException.XA_HEURRB)).isEqualTo(Observed.ROLLED_BACK);
        assertThat(Observed.ofXaErrorCode(javax.transaction.xa.XAException.XA_RBTIMEOUT)).isEqualTo(Observed.ROLLED_BACK);
        assertThat(Observed.ofXaErrorCode(javax.transaction.xa.XAException.XA_HEURMIX)).isEqualTo(Observed.MIXED);
        assertThat(Observed.ofXaErrorCode(javax.transaction.xa.XAException.XA_HEURHAZ)).isEqualTo(Observed.HAZARD);
        assertThat(new HeuristicOutcome("p", "x", Decision.COMMIT, Observed.COMMITTED, NOW, "d").agreesWithDecision()).isTrue();
        assertThat(new HeuristicOutcome("p", "x", Decision.ROLLBACK, Observed.MIXED, NOW, "d").agreesWithDecision()).isFalse();
    }
}
