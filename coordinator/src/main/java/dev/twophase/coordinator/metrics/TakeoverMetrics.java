package dev.twophase.coordinator.metrics;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.twophase.coordinator.recovery.Takeover;

/**
 * Micrometer meters for takeovers of other instances' TM names:
 * <ul>
 * <li>{@code twophase.takeover.recovering} - TM names this instance is recovering for now;</li>
 * <li>{@code twophase.takeover.recovering_for{tm_name}} - 1 while this instance recovers for that TM name, 0 after;
 * one gauge per TM name it has taken over;</li>
 * <li>{@code twophase.takeovers{tm_name,outcome=settled|released}} - takeovers carried out;</li>
 * <li>{@code twophase.takeover.branches{outcome=committed|rolled_back|heuristic}} - branches takeovers completed.</li>
 * </ul>
 */
public final class TakeoverMetrics implements MeterBinder {

    private final Takeover takeover;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public TakeoverMetrics(Takeover takeover) {
        this.takeover = takeover;
        takeover.onStart(tmName -> registries.forEach(r -> recoveringFor(r, tmName)));
        takeover.onReport(report -> registries.forEach(r -> count(r, report)));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("twophase.takeover.recovering", takeover, t -> t.recoveringFor().size())
                .description("TM names of other instances this instance is recovering for now").register(registry);
        registries.add(registry);
        known.forEach(tmName -> recoveringFor(registry, tmName));
    }

    private void recoveringFor(MeterRegistry registry, String tmName) {
        known.add(tmName);
        Gauge.builder("twophase.takeover.recovering_for", takeover, t -> t.recoveringFor().contains(tmName) ? 1 : 0)
                .tag("tm_name", tmName).description("1 while this instance recovers for the TM name after its lease expired")
                .register(registry);
    }

    private static void count(MeterRegistry registry, Takeover.Report report) {
        Counter.builder("twophase.takeovers").tag("tm_name", report.tmName()).tag("outcome", report.settled() ? "settled" : "released")
                .description("Takeovers of expired TM names").register(registry).increment();
        branches(registry, "committed", report.committed());
        branches(registry, "rolled_back", report.rolledBack());
        branches(registry, "heuristic", report.heuristic());
    }

    private static void branches(MeterRegistry registry, String outcome, int n) {
        Counter.builder("twophase.takeover.branches").tag("outcome", outcome)
                .description("XA branches of other instances completed by takeovers").register(registry).increment(n);
    }
}
