package dev.twophase.coordinator.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import dev.twophase.coordinator.xa.DelegatingXAResource;
import dev.twophase.coordinator.xa.XaCodes;

/**
 * Times every two-phase call of every participant: {@code twophase.xa.phase} timers tagged
 * {@code participant}, {@code phase} ({@code prepare}, {@code commit}, {@code commit_one_phase},
 * {@code rollback}) and {@code outcome} ({@code ok}, or the XA error code's name such as
 * {@code XAER_RMFAIL}).
 *
 * <p>XAResources are made by drivers and pools outside any Spring context, so the timers live in
 * a process-wide composite registry; {@link #bindTo} adds an application's registry to it (the
 * auto-configuration does that for Spring Boot's registry) and {@link #unbind} removes it.
 * Thread-safe.
 */
public final class XaPhaseMetrics {

    public static final String TIMER = "twophase.xa.phase";

    private static final CompositeMeterRegistry REGISTRY = new CompositeMeterRegistry();
    private static final Map<TimerKey, Timer> TIMERS = new ConcurrentHashMap<>();

    private XaPhaseMetrics() {
    }

    /** Wraps a participant's XAResource so that its prepare, commit and rollback calls are timed. */
    public static XAResource wrap(String participant, XAResource delegate) {
        return new Metered(participant, delegate);
    }

    /** Timers recorded from now on also go to {@code registry}, including those that already exist. */
    public static void bindTo(MeterRegistry registry) {
        REGISTRY.add(registry);
    }

    /** Stops recording into {@code registry}. */
    public static void unbind(MeterRegistry registry) {
        REGISTRY.remove(registry);
    }

    static void record(String participant, String phase, String outcome, long nanos) {
        // On the commit path: look the timer up once per tag set instead of building its id on every call.
        // The composite timer stays valid as registries are bound and unbound.
        TIMERS.computeIfAbsent(new TimerKey(participant, phase, outcome), key -> Timer.builder(TIMER)
                .description("Duration of XA two-phase calls, per participant, phase and outcome")
                .tag("participant", key.participant()).tag("phase", key.phase()).tag("outcome", key.outcome())
                .register(REGISTRY)).record(nanos, TimeUnit.NANOSECONDS);
    }

    private record TimerKey(String participant, String phase, String outcome) {
    }

    @FunctionalInterface
    private interface XaCall<T> {
        T run() throws XAException;
    }

    private static final class Metered extends DelegatingXAResource {

        private final String participant;

        Metered(String participant, XAResource delegate) {
            super(delegate);
            this.participant = participant;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            return timed("prepare", () -> super.prepare(xid));
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            timed(onePhase ? "commit_one_phase" : "commit", () -> {
                super.commit(xid, onePhase);
                return null;
            });
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            timed("rollback", () -> {
                super.rollback(xid);
                return null;
            });
        }

        private <T> T timed(String phase, XaCall<T> call) throws XAException {
            long t0 = System.nanoTime();
            String outcome = "ok";
            try {
                return call.run();
            } catch (XAException e) {
                outcome = XaCodes.constant(e.errorCode);
                throw e;
            } catch (RuntimeException e) {
                outcome = "exception";
                throw e;
            } finally {
                record(participant, phase, outcome, System.nanoTime() - t0);
            }
        }

        @Override
        public String toString() {
            return "XaPhaseMetrics[" + participant + "](" + delegate() + ")";
        }
    }
}
