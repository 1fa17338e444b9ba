package dev.twophase.coordinator.metrics;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.twophase.coordinator.recovery.HeuristicRegistry;
import dev.twophase.coordinator.recovery.PromptRecovery;

/**
 * Micrometer meters for recovery and heuristics:
 * <ul>
 * <li>{@code twophase.recovery.branches{outcome=committed|rolled_back|heuristic}} - branches recovery completed;</li>
 * <li>{@code twophase.recovery.pending} - branches from before startup still prepared;</li>
 * <li>{@code twophase.recovery.duration} - how long startup recovery took, or has taken so far;</li>
 * <li>{@code twophase.in_doubt} - prepared branches of this coordinator, latest scan;</li>
 * <li>{@code twophase.recovery.passes{outcome=ok|failed}} - prompt recovery passes;</li>
 * <li>{@code twophase.heuristics{participant}} - heuristic outcomes in the {@link HeuristicRegistry},
 * one counter per participant that has had one.</li>
 * </ul>
 * Close it with its application context: it listens to the process-wide registry.
 */
public final class RecoveryMetrics implements MeterBinder, AutoCloseable {

    private final PromptRecovery recovery;
    private final HeuristicRegistry heuristics;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final HeuristicRegistry.Subscription subscription;

    public RecoveryMetrics(PromptRecovery recovery, HeuristicRegistry heuristics) {
        this.recovery = recovery;
        this.heuristics = heuristics;
        this.subscription = heuristics.onRecord(outcome -> registries.forEach(r -> heuristicCounter(r, outcome.participant())));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        branches(registry, "committed", r -> r.status().committed());
        branches(registry, "rolled_back", r -> r.status().rolledBack());
        branches(registry, "heuristic", r -> r.status().heuristic());
        Gauge.builder("twophase.recovery.pending", recovery, r -> r.status().pending())
                .description("XA branches from before startup still prepared on some participant").register(registry);
        TimeGauge.builder("twophase.recovery.duration", recovery, TimeUnit.MILLISECONDS,
                r -> r.status().duration(Instant.now()).toMillis())
                .description("How long startup recovery took, or has taken so far").register(registry);
        Gauge.builder("twophase.in_doubt", recovery, r -> r.participants().inDoubt())
                .description("Prepared XA branches of this coordinator on all participants, as the latest scan found them")
                .register(registry);
        FunctionCounter.builder("twophase.recovery.passes", recovery, r -> r.passes() - r.failedPasses()).tag("outcome", "ok")
                .description("Prompt recovery passes").register(registry);
        FunctionCounter.builder("twophase.recovery.passes", recovery, PromptRecovery::failedPasses).tag("outcome", "failed")
                .description("Prompt recovery passes").register(registry);
        registries.add(registry);
        heuristics.countsByParticipant().keySet().forEach(participant -> heuristicCounter(registry, participant));
    }

    @Override
    public void close() {
        subscription.close();
        registries.clear();
    }

    private void branches(MeterRegistry registry, String outcome, java.util.function.ToDoubleFunction<PromptRecovery> count) {
        FunctionCounter.builder("twophase.recovery.branches", recovery, count).tag("outcome", outcome)
                .description("XA branches completed by prompt recovery").register(registry);
    }

    private void heuristicCounter(MeterRegistry registry, String participant) {
        // Registering an existing meter returns it, so this is safe to repeat.
        FunctionCounter.builder("twophase.heuristics", heuristics, h -> h.count(participant)).tag("participant", participant)
                .description("Heuristic outcomes: a participant decided a branch on its own or lost a prepared one")
                .register(registry);
    }
}
