package dev.twophase.coordinator.metrics;

import java.util.function.ToDoubleFunction;

import dev.twophase.coordinator.log.GroupCommitLog;
import dev.twophase.coordinator.log.OnePhaseAwareLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The coordinator log's work, when it is the group-commit log ({@code twophase.coordinator.log-store=file}):
 * <ul>
 * <li>{@code twophase.log.forces} - forces (fsyncs) of the log, one per batch of records;</li>
 * <li>{@code twophase.log.records} - records those forces made durable (records / forces = the mean batch);</li>
 * <li>{@code twophase.log.force.failures} - batches whose write or force failed; their transactions were told.</li>
 * </ul>
 * Read from the running coordinator at each scrape (the log may start after the meters are bound);
 * they stay 0 under Atomikos's own log ({@code log-store=atomikos}), which counts nothing.
 */
public final class LogMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "twophase.log.forces", "forces of the coordinator log, one per batch", GroupCommitLog.Stats::forces);
        counter(registry, "twophase.log.records", "records made durable by those forces", GroupCommitLog.Stats::records);
        counter(registry, "twophase.log.force.failures", "batches whose write or force failed", GroupCommitLog.Stats::failedForces);
    }

    private static void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<GroupCommitLog.Stats> value) {
        FunctionCounter.builder(name, LogMetrics.class, ignored -> {
            GroupCommitLog.Stats stats = OnePhaseAwareLog.currentGroupCommitStats();
            return stats == null ? 0 : value.applyAsDouble(stats);
        }).description(description).register(registry);
    }
}
