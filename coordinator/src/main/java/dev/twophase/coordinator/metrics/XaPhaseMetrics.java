package dev.twophase.coordinator.metrics;

import java.util.concurrent.TimeUnit;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import dev.twophase.coordinator.xa.DelegatingXAResource;

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
        Timer.builder(TIMER).description("Duration of XA two-phase calls, per participant, phase and outcome")
                .tag("participant", participant).tag("phase", phase).tag("outcome", outcome)
                .register(REGISTRY).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The constant name of an XA error code for a tag, e.g. {@code XAER_RMFAIL}; {@code XA_RB*} for rollback codes. */
    static String codeName(int code) {
        return switch (code) {
            case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
            case XAException.XA_HEURCOM -> "XA_HEURCOM";
            case XAException.XA_HEURRB -> "XA_HEURRB";
            case XAException.XA_HEURMIX -> "XA_HEURMIX";
            case XAException.XA_RETRY -> "XA_RETRY";
            case XAException.XAER_ASYNC -> "XAER_ASYNC";
            case XAException.XAER_RMERR -> "XAER_RMERR";
            case XAException.XAER_NOTA -> "XAER_NOTA";
            case XAException.XAER_INVAL -> "XAER_INVAL";
            case XAException.XAER_PROTO -> "XAER_PROTO";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
            case XAException.XAER_DUPID -> "XAER_DUPID";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
            default -> code >= XAException.XA_RBBASE && code <= XAException.XA_RBEND ? "XA_RB" : "XA_" + code;
        };
    }

    private static final class Metered extends DelegatingXAResource {

        private final String participant;

        Metered(String participant, XAResource delegate) {
            super(delegate);
            this.participant = participant;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            long t0 = System.nanoTime();
            String outcome = "ok";
            try {
                return super.prepare(xid);
            } catch (XAException e) {
                outcome = codeName(e.errorCode);
                throw e;
            } catch (RuntimeException e) {
                outcome = "exception";
                throw e;
            } finally {
                record(participant, "prepare", outcome, System.nanoTime() - t0);
            }
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            long t0 = System.nanoTime();
            String outcome = "ok";
            try {
                super.commit(xid, onePhase);
            } catch (XAException e) {
                outcome = codeName(e.errorCode);
                throw e;
            } catch (RuntimeException e) {
                outcome = "exception";
                throw e;
            } finally {
                record(participant, onePhase ? "commit_one_phase" : "commit", outcome, System.nanoTime() - t0);
            }
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            long t0 = System.nanoTime();
            String outcome = "ok";
            try {
                super.rollback(xid);
            } catch (XAException e) {
                outcome = codeName(e.errorCode);
                throw e;
            } catch (RuntimeException e) {
                outcome = "exception";
                throw e;
            } finally {
                record(participant, "rollback", outcome, System.nanoTime() - t0);
            }
        }

        @Override
        public String toString() {
            return "XaPhaseMetrics[" + participant + "](" + delegate() + ")";
        }
    }
}
