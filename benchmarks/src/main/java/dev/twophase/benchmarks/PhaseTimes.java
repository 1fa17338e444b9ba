package dev.twophase.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.twophase.coordinator.metrics.XaPhaseMetrics;

/**
 * The XA calls of a measurement, from the coordinator's own {@code twophase.xa.phase} timers: for each
 * participant and call (start, end, prepare, commit, ...), how often and how long on average.
 */
final class PhaseTimes implements AutoCloseable {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final XaPhaseMetrics metrics;
    /** Count and total nanoseconds of every timer at the last drain (timers are never removed: the coordinator caches them). */
    private final java.util.Map<io.micrometer.core.instrument.Meter.Id, long[]> last = new java.util.HashMap<>();

    /** @param metrics the coordinator's phase timers (its {@code XaPhaseMetrics} bean) */
    PhaseTimes(XaPhaseMetrics metrics) {
        this.metrics = metrics;
        metrics.bindTo(registry);
    }

    /** The timers since the last call, e.g. {@code bench-broker commit 1.23 ms × 812}; then starts again from zero. */
    List<String> drain(long transactions) {
        List<String> lines = new ArrayList<>();
        registry.find(XaPhaseMetrics.TIMER).timers().stream()
                .sorted(Comparator.comparing((Timer t) -> t.getId().getTag("participant")).thenComparing(t -> t.getId().getTag("phase")))
                .forEach(t -> {
                    long count = t.count();
                    long nanos = (long) t.totalTime(TimeUnit.NANOSECONDS);
                    long[] before = last.getOrDefault(t.getId(), new long[2]);
                    last.put(t.getId(), new long[] {count, nanos});
                    long n = count - before[0];
                    if (n > 0) {
                        lines.add(String.format(Locale.ROOT, "%s %s%s: mean %.3f ms, %.2f per transaction",
                                t.getId().getTag("participant"), t.getId().getTag("phase"),
                                "ok".equals(t.getId().getTag("outcome")) ? "" : " (" + t.getId().getTag("outcome") + ")",
                                (nanos - before[1]) / 1e6 / n, transactions == 0 ? 0.0 : (double) n / transactions));
                    }
                });
        return lines;
    }

    @Override
    public void close() {
        metrics.unbind(registry);
        registry.close();
    }
}
