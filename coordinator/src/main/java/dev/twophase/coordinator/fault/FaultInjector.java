package dev.twophase.coordinator.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.coordinator.xa.XaResourceLink;
import dev.twophase.coordinator.xa.XidText;

/**
 * Decides, for every XA call on a participant, whether an armed
 * {@link Fault} acts on it: halting the JVM, failing the call or delaying it. It exists to prove
 * that two-phase commit and recovery survive crashes at each {@link CrashPoint}; it has no use in
 * production.
 *
 * <p>A link of the {@link dev.twophase.coordinator.xa.XaResourceChain}, between the phase timers and
 * the vendor's resource, so removing it cannot remove the heuristic guard. The Spring Boot
 * auto-configuration creates one, enabled, only when {@code twophase.faults.enabled=true} (refused
 * in a {@code prod} or {@code production} profile); without it no participant passes a fault
 * injector. While disabled ({@link #disable()}) nothing can be armed.
 *
 * <p>Thread-safe. While nothing is armed, each crash point an XA call passes costs one volatile read.
 *
 * <p>Matching: each XA call is checked against the armed rules in the order they were armed;
 * every rule for its participant and crash point counts the call. A rule that fires on it acts
 * at once: {@code DELAY} waits and lets later rules and the call go on, {@code FAIL} throws (later
 * rules do not see the call), {@code HALT} ends the process. A rule that has acted its
 * {@link Fault#times()} times is disarmed.
 */
public final class FaultInjector implements XaResourceLink {

    /** How many {@link FiredFault}s {@link #fired()} keeps; older ones are dropped. */
    public static final int HISTORY_LIMIT = 1000;

    private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

    private final IntConsumer halt;
    private final List<ArmedFault> armed = new CopyOnWriteArrayList<>();
    private final Deque<FiredFault> fired = new ArrayDeque<>();
    private final List<Consumer<FiredFault>> haltListeners = new CopyOnWriteArrayList<>();
    private volatile boolean enabled;
    /** enabled and something armed; the only field an XA call reads when nothing is armed. */
    private volatile boolean active;

    /** A disabled injector whose {@code HALT} ends the process with {@code Runtime.halt}, as a power cut would. */
    public FaultInjector() {
        this(status -> Runtime.getRuntime().halt(status));
    }

    /** @param halt ends the process with the given status; {@code Runtime.halt} except in this package's tests */
    FaultInjector(IntConsumer halt) {
        this.halt = halt;
    }

    /** The chain's link: every XA call {@code next} answers passes this injector's crash points first. */
    @Override
    public XAResource link(String participant, XAResource next, XAResource vendor) {
        return new FaultInjectingXAResource(participant, next, this);
    }

    /** Allows {@link #arm arming} rules. Does nothing when already enabled. */
    public synchronized void enable() {
        if (!enabled) {
            enabled = true;
            log.warn("Fault injection ENABLED: armed faults will halt this JVM or fail XA calls. Never enable it in production.");
        }
        update();
    }

    /** Disarms every rule and refuses further arming. The history of fired faults is kept. */
    public synchronized void disable() {
        if (enabled) {
            disarm();
            enabled = false;
            log.info("Fault injection disabled");
        }
        update();
    }

    /** Whether rules can be armed. */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Arms a rule: from now on it counts matching calls and acts on them.
     *
     * @throws IllegalStateException when fault injection is not enabled
     */
    public synchronized void arm(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (!enabled) {
            throw new IllegalStateException("Fault injection is disabled, so fault '" + fault + "' was not armed."
                    + " Set twophase.faults.enabled=true (never in production).");
        }
        armed.add(new ArmedFault(fault));
        update();
        log.warn("Armed fault {}", fault);
    }

    /**
     * Parses a rule ({@link Fault#parse}) and arms it.
     *
     * @return the armed rule
     * @throws IllegalArgumentException when the rule is malformed
     * @throws IllegalStateException when fault injection is not enabled
     */
    public Fault arm(String rule) {
        Fault fault = Fault.parse(rule);
        arm(fault);
        return fault;
    }

    /**
     * Disarms every rule.
     *
     * @return the rules that were still armed, as {@link #armed()} showed them
     */
    public synchronized List<Fault> disarm() {
        List<Fault> removed = armed();
        armed.clear();
        update();
        if (!removed.isEmpty()) {
            log.info("Disarmed faults {}", removed);
        }
        return removed;
    }

    /**
     * Disarms one rule, as it was armed (the first such rule, if it was armed twice), and leaves the others.
     *
     * @return whether it was still armed
     */
    public synchronized boolean disarm(Fault fault) {
        for (ArmedFault rule : armed) {
            if (rule.fault.equals(fault)) {
                armed.remove(rule);
                update();
                log.info("Disarmed fault {}", fault);
                return true;
            }
        }
        return false;
    }

    /**
     * The rules still armed, in arming order, each as what is left of it: a rule armed as
     * {@code x3:skip=2} that has seen three matching calls shows as {@code x2}. A point-in-time copy.
     */
    public List<Fault> armed() {
        List<Fault> left = new ArrayList<>();
        for (ArmedFault rule : armed) {
            Fault remaining = rule.remaining();
            if (remaining != null) {
                left.add(remaining);
            }
        }
        return List.copyOf(left);
    }

    /** The faults that acted, oldest first, at most the last {@value #HISTORY_LIMIT}. A point-in-time copy. */
    public List<FiredFault> fired() {
        synchronized (fired) {
            return List.copyOf(fired);
        }
    }

    /**
     * Registers a listener told of a {@code HALT} just before it ends the process, on the thread of the XA call
     * that hit it, while that call waits: e.g. to note durably where the process died, for the next start to
     * find. A listener must be quick and must not block on the transaction; what it throws is written to stderr
     * and the halt goes on.
     *
     * @return closing it removes the listener
     */
    public AutoCloseable beforeHalt(Consumer<FiredFault> listener) {
        Objects.requireNonNull(listener, "listener");
        haltListeners.add(listener);
        return () -> haltListeners.remove(listener);
    }

    /** Forgets the history of fired faults. */
    public void clearFired() {
        synchronized (fired) {
            fired.clear();
        }
    }

    /**
     * Called by the wrappers at each crash point of each XA call.
     *
     * @param xid the branch, {@code null} at {@link CrashPoint#DURING_RECOVER}
     * @throws XAException when a {@code FAIL} rule fires
     */
    void at(String participant, CrashPoint point, Xid xid) throws XAException {
        if (!active) {
            return;
        }
        if (xid != null && alreadyEnded(participant, xid)) {
            // A call on a branch that has ended (the last resource's second-phase commit, after its one-phase commit
            // was the decision) is no step of the protocol: no rule counts it.
            return;
        }
        for (ArmedFault rule : armed) {
            if (!rule.matches(participant, point) || !spansAll(rule.fault.spans(), xid)) {
                continue;
            }
            long call = rule.calls.incrementAndGet();
            if (rule.usedUpAt(call)) {
                retire(rule);
            }
            if (rule.firesAt(call)) {
                act(rule.fault, call, xid);
            }
        }
    }

    /**
     * Branches seen starting while rules were armed, by global transaction id: which participants
     * each transaction has touched, for {@link Fault#spans()}, and which of them have ended. An
     * entry leaves when every branch it saw start has ended (committed, rolled back or forgotten):
     * phase 2 ends the branches one by one, and a later branch's commit must still see them all.
     * Bounded, oldest out first.
     */
    private final Map<String, Branches> branches = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Branches> eldest) {
            return size() > 10_000;
        }
    });

    /** The branches of one global transaction: participant by branch (participant/qualifier), and the branches that ended. */
    private record Branches(Map<String, String> started, Set<String> ended) {
        Branches() {
            this(new HashMap<>(), new HashSet<>());
        }
    }

    /** Called by the wrappers when a branch starts (or joins) on a participant. */
    void started(String participant, Xid xid) {
        if (active && xid != null) {
            synchronized (branches) {
                branches.computeIfAbsent(gtrid(xid), k -> new Branches()).started().put(branch(participant, xid), participant);
            }
        }
    }

    /** Called by the wrappers when a branch ended for good (committed, rolled back or forgotten). */
    void finished(String participant, Xid xid) {
        if (!active || xid == null) {
            return; // every commit passes here: no lock unless rules are armed
        }
        String key = gtrid(xid);
        synchronized (branches) {
            Branches seen = branches.get(key);
            if (seen != null) {
                seen.ended().add(branch(participant, xid));
                if (seen.ended().containsAll(seen.started().keySet())) {
                    branches.remove(key);
                }
            }
        }
    }

    private boolean alreadyEnded(String participant, Xid xid) {
        synchronized (branches) {
            Branches seen = branches.get(gtrid(xid));
            return seen != null && seen.ended().contains(branch(participant, xid));
        }
    }

    private boolean spansAll(Set<String> required, Xid xid) {
        if (required.isEmpty()) {
            return true;
        }
        if (xid == null) {
            return false;
        }
        synchronized (branches) {
            Branches seen = branches.get(gtrid(xid));
            return seen != null && seen.started().values().containsAll(required);
        }
    }

    private static String gtrid(Xid xid) {
        return XidText.gtrid(xid);
    }

    /** One branch: a participant's part of the transaction (Atomikos gives each its own qualifier). */
    private static String branch(String participant, Xid xid) {
        return participant + "/" + XidText.bqual(xid);
    }

    private synchronized void retire(ArmedFault rule) {
        armed.remove(rule);
        update();
    }

    private void update() {
        active = enabled && !armed.isEmpty();
        if (!active) {
            branches.clear(); // nothing to match them against; started() records again once rules are armed
        }
    }

    private void act(Fault fault, long call, Xid xid) throws XAException {
        String xidText = XidText.describe(xid);
        FiredFault firing = new FiredFault(Instant.now(), fault, call, xidText, xid == null ? null : XidText.gtrid(xid),
                Thread.currentThread().getName());
        remember(firing);
        String where = fault.point() + " of " + fault.participant() + (xidText == null ? "" : " xid=" + xidText);
        FaultAction action = fault.action();
        if (action instanceof FaultAction.Halt h) {
            // stderr, not the logger: an asynchronous appender would lose the line in the halt.
            System.err.println("TWOPHASE FAULT HALT at " + where + " (rule " + fault + ", exit status " + h.status() + ")");
            System.err.flush();
            for (Consumer<FiredFault> listener : haltListeners) {
                try {
                    listener.accept(firing);
                } catch (RuntimeException | Error e) {
                    System.err.println("TWOPHASE FAULT HALT listener failed, halting anyway: " + e);
                    System.err.flush();
                }
            }
            halt.accept(h.status());
        } else if (action instanceof FaultAction.Fail f) {
            log.warn("Fault {} at {} (rule {})", f, where, fault);
            XAException e = new XAException("twophase fault injection: " + f + " at " + where + " (rule " + fault + ")");
            e.errorCode = f.errorCode();
            throw e;
        } else if (action instanceof FaultAction.Delay d) {
            log.warn("Fault {} at {} (rule {})", d, where, fault);
            sleep(d.duration());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void remember(FiredFault record) {
        synchronized (fired) {
            if (fired.size() == HISTORY_LIMIT) {
                fired.removeFirst();
            }
            fired.addLast(record);
        }
    }

    /** An armed rule and the matching calls it has counted. */
    private static final class ArmedFault {

        final Fault fault;
        final AtomicLong calls = new AtomicLong();

        ArmedFault(Fault fault) {
            this.fault = fault;
        }

        boolean matches(String participant, CrashPoint point) {
            return fault.point() == point && fault.participant().equals(participant);
        }

        boolean firesAt(long call) {
            return call > fault.skip() && (fault.isAlways() || call <= (long) fault.skip() + fault.times());
        }

        boolean usedUpAt(long call) {
            return !fault.isAlways() && call >= (long) fault.skip() + fault.times();
        }

        /** What is left of the rule, or {@code null} when it is used up. */
        Fault remaining() {
            long seen = calls.get();
            int skipLeft = (int) Math.max(0, fault.skip() - seen);
            if (fault.isAlways()) {
                return fault.withSkip(skipLeft);
            }
            long timesLeft = (long) fault.skip() + fault.times() - Math.max(seen, fault.skip());
            return timesLeft < 1 ? null
                    : new Fault(fault.participant(), fault.point(), fault.action(), (int) timesLeft, skipLeft, fault.spans());
        }
    }
}
