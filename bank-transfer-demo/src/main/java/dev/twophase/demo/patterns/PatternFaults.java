package dev.twophase.demo.patterns;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Crash points of the Saga, TCC and outbox flows, for the fault-injection suite: the XA faults act
 * on XA calls, which these flows do not make. A flow calls {@link #reach} at each of its points
 * (before a step's local commit, after it, during a compensation, during the relay's publish); an
 * armed point halts the JVM there with {@code Runtime.halt}, as a power cut would, after printing
 * {@code TWOPHASE PATTERN HALT at <point> gid=<gid>} on stderr. Each armed point fires once.
 *
 * <p>Points are armed only through {@code POST /admin/faults} with a rule {@code pattern:<point>:HALT},
 * which is refused unless fault injection is enabled.
 */
public final class PatternFaults {

    /** Exit status of a halt: the one the XA faults' {@code HALT} uses, so the suite tells it from a crash. */
    static final int HALT_STATUS = 99;

    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Set<String> armed = ConcurrentHashMap.newKeySet();

    public PatternFaults(List<String> knownPoints) {
        known.addAll(knownPoints);
    }

    /** Adds a flow's points (each flow's configuration registers its own). */
    public void register(List<String> points) {
        known.addAll(points);
    }

    /** Every point a flow reaches. */
    public Set<String> known() {
        return Set.copyOf(known);
    }

    /**
     * Arms a point.
     *
     * @throws IllegalArgumentException for a point no flow has, naming the ones there are
     */
    public void arm(String point) {
        if (!known.contains(point)) {
            throw new IllegalArgumentException("'" + point + "' is not a crash point of the Saga, TCC or outbox flows; they are "
                    + known.stream().sorted().toList() + ".");
        }
        armed.add(point);
    }

    public Set<String> armed() {
        return Set.copyOf(armed);
    }

    public void disarm() {
        armed.clear();
    }

    /** Halts the JVM if {@code point} is armed (once); otherwise returns at once. */
    public void reach(String point, String gid) {
        if (!armed.isEmpty() && armed.remove(point)) {
            // stderr, not the logger: an asynchronous appender would lose the line in the halt.
            System.err.println("TWOPHASE PATTERN HALT at " + point + " gid=" + gid);
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
