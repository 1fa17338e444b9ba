package dev.twophase.coordinator.recovery;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.transaction.xa.Xid;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.XidText;

/**
 * Every heuristic outcome this process has seen, from {@link HeuristicGuard} during phase 2 and
 * from {@link PromptRecovery} during recovery. Each one is logged once at ERROR, starting with
 * {@value #LOG_PREFIX}, so that alerting can match a fixed string.
 *
 * <p>Use {@link #processWide()}: XAResources are created by drivers and pools outside any Spring
 * context, and Atomikos itself is one per JVM, so heuristics are a process-wide fact (the
 * auto-configuration exposes the same instance as a bean). Create your own instance only to keep a
 * test apart. Keeps the latest {@value #DEFAULT_CAPACITY} outcomes and counts all of them.
 * Thread-safe.
 */
public final class HeuristicRegistry {

    /** Start of the ERROR line logged for each heuristic outcome. */
    public static final String LOG_PREFIX = "HEURISTIC OUTCOME";

    static final int DEFAULT_CAPACITY = 1000;

    private static final Logger log = LoggerFactory.getLogger(HeuristicRegistry.class);

    private final Clock clock;
    private final int capacity;
    private final Deque<HeuristicOutcome> recent = new ArrayDeque<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private final List<Consumer<HeuristicOutcome>> listeners = new CopyOnWriteArrayList<>();

    /** A registry of its own, for a test; production code uses {@link #processWide()}. */
    public HeuristicRegistry() {
        this(Clock.systemUTC(), DEFAULT_CAPACITY);
    }

    HeuristicRegistry(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * Records and logs a heuristic outcome, and tells the listeners.
     *
     * @return what was recorded
     */
    public HeuristicOutcome record(String participant, Xid xid, Decision expected, Observed observed, String detail) {
        HeuristicOutcome outcome = new HeuristicOutcome(participant, XidText.of(xid), expected, observed, clock.instant(),
                detail);
        synchronized (this) {
            recent.addLast(outcome);
            if (recent.size() > capacity) {
                recent.removeFirst();
            }
            counts.merge(participant, 1L, Long::sum);
        }
        log.error("{} participant={} xid={} expected={} observed={}: {}", LOG_PREFIX, participant, outcome.xid(), expected,
                observed, detail);
        for (Consumer<HeuristicOutcome> listener : listeners) {
            try {
                listener.accept(outcome);
            } catch (RuntimeException e) {
                log.warn("A heuristic outcome listener failed; the outcome is recorded anyway", e);
            }
        }
        return outcome;
    }

    /** The latest outcomes, oldest first. A point-in-time copy. */
    public synchronized List<HeuristicOutcome> recent() {
        return List.copyOf(new ArrayList<>(recent));
    }

    /** How many outcomes were recorded for each participant, by participant name. A point-in-time copy. */
    public synchronized Map<String, Long> countsByParticipant() {
        return Map.copyOf(counts);
    }

    /** How many outcomes were recorded for one participant. */
    public synchronized long count(String participant) {
        return counts.getOrDefault(participant, 0L);
    }

    /** How many outcomes were recorded in all. */
    public synchronized long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Calls {@code listener} after each new outcome, on the thread that recorded it.
     *
     * @return closing it removes the listener; close it when the listener's owner goes away
     */
    public Subscription onRecord(Consumer<HeuristicOutcome> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** A listener registration; {@link #close()} removes the listener. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
