package dev.twophase.coordinator.metrics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import dev.twophase.coordinator.xa.DelegatingXAResource;
import dev.twophase.coordinator.xa.XaCodes;
import dev.twophase.coordinator.xa.XaResourceLink;

/**
 * Times every two-phase call of every participant: {@code twophase.xa.phase} timers tagged
 * {@code participant}, {@code phase} ({@code prepare}, {@code commit}, {@code commit_one_phase},
 * {@code rollback}) and {@code outcome} ({@code ok}, or the XA error code's name such as
 * {@code XAER_RMFAIL}). A link of the {@link dev.twophase.coordinator.xa.XaResourceChain}.
 *
 * <p>The participants' pools are built, and their XAResources decorated, before Spring Boot's
 * meter registry exists, so the timers live in this instance's composite registry; as a
 * {@link MeterBinder} it adds the application's registry to it when Boot binds meters, and
 * {@link #close} removes it. One instance per coordinator (a bean). Thread-safe.
 */
public final class XaPhaseMetrics implements XaResourceLink, MeterBinder, AutoCloseable {

    public static final String TIMER = "twophase.xa.phase";

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final Set<MeterRegistry> bound = ConcurrentHashMap.newKeySet();

    /** The chain's link: times the calls {@code next} answers. */
    @Override
    public XAResource link(String participant, XAResource next, XAResource vendor) {
        return new Metered(participant, next);
    }

    /** Timers recorded from now on also go to {@code meterRegistry}, including those that already exist. */
    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        registry.add(meterRegistry);
        bound.add(meterRegistry);
    }

    /** Stops recording into {@code meterRegistry}. */
    public void unbind(MeterRegistry meterRegistry) {
        registry.remove(meterRegistry);
        bound.remove(meterRegistry);
    }

    /** Stops recording into every registry bound so far. */
    @Override
    public void close() {
        bound.forEach(this::unbind);
    }

    void record(String participant, String phase, String outcome, long nanos) {
        // On the commit path: look the timer up once per tag set instead of building its id on every call.
        // The composite timer stays valid as registries are bound and unbound.
        timers.computeIfAbsent(new TimerKey(participant, phase, outcome), key -> Timer.builder(TIMER)
                .description("Duration of XA two-phase calls, per participant, phase and outcome")
                .tag("participant", key.participant()).tag("phase", key.phase()).tag("outcome", key.outcome())
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    private record TimerKey(String participant, String phase, String outcome) {
    }

    @FunctionalInterface
    private interface XaCall<T> {
        T run() throws XAException;
    }

    private final class Metered extends DelegatingXAResource {

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
