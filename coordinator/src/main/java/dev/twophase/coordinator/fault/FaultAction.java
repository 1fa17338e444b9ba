package dev.twophase.coordinator.fault;

import java.time.Duration;
import java.util.Objects;

import javax.transaction.xa.XAException;

import dev.twophase.coordinator.xa.XaCodes;

/**
 * What a {@link Fault} does when it fires: {@link Halt} the JVM, {@link Fail} the XA call, or
 * {@link Delay} it. {@link #toString()} gives the rule syntax ({@code HALT}, {@code FAIL(XAER_RMFAIL)},
 * {@code DELAY(2s)}), which {@link #parse} reads back.
 */
public sealed interface FaultAction permits FaultAction.Halt, FaultAction.Fail, FaultAction.Delay {

    /** {@code HALT} with {@link Halt#DEFAULT_STATUS}. */
    static Halt halt() {
        return new Halt(Halt.DEFAULT_STATUS);
    }

    /** {@code HALT(status)}. */
    static Halt halt(int status) {
        return new Halt(status);
    }

    /**
     * {@code FAIL(name)}.
     *
     * @param xaErrorCodeName an {@link XAException} constant name, e.g. {@code XAER_RMFAIL} or {@code XA_RBROLLBACK}
     * @throws IllegalArgumentException naming the accepted names
     */
    static Fail fail(String xaErrorCodeName) {
        return new Fail(XaCodes.code(xaErrorCodeName));
    }

    /** {@code DELAY(duration)}. */
    static Delay delay(Duration duration) {
        return new Delay(duration);
    }

    /**
     * Reads an action in rule syntax: {@code HALT}, {@code HALT(<status>)}, {@code FAIL(<XAException code name>)}
     * or {@code DELAY(<duration>)} with a duration such as {@code 500ms}, {@code 2s}, {@code 1m} or {@code PT2S}.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    static FaultAction parse(String text) {
        return RuleSyntax.action(text);
    }

    /**
     * Ends the process at once with {@code Runtime.halt}, as a power cut would: no shutdown hooks, no
     * flushing of buffers, no closing of connections. One line goes to stderr first.
     *
     * @param status the process exit status, 1 to 255
     */
    record Halt(int status) implements FaultAction {

        /** Exit status of {@code HALT} without an explicit one; chosen to be told apart from a crash or a kill. */
        public static final int DEFAULT_STATUS = 99;

        public Halt {
            if (status < 1 || status > 255) {
                throw new IllegalArgumentException("HALT exit status must be 1 to 255 (0 would look like a clean exit), was " + status);
            }
        }

        @Override
        public String toString() {
            return status == DEFAULT_STATUS ? "HALT" : "HALT(" + status + ")";
        }
    }

    /**
     * Throws an {@link XAException} with this error code instead of (at a {@code BEFORE_*} point) or
     * after (at an {@code AFTER_*} point) the participant's call.
     *
     * @param errorCode an {@link XAException} error code, e.g. {@link XAException#XAER_RMFAIL}
     */
    record Fail(int errorCode) implements FaultAction {

        public Fail {
            if (!XaCodes.isError(errorCode)) {
                throw new IllegalArgumentException("XAException error code " + errorCode
                        + " is not one a fault can throw; expected an XA_RB*, XA_HEUR*, XA_RETRY, XA_NOMIGRATE or XAER_* code");
            }
        }

        /** The constant name of the error code, e.g. {@code XAER_RMFAIL}. */
        public String errorName() {
            return XaCodes.constant(errorCode);
        }

        @Override
        public String toString() {
            return "FAIL(" + errorName() + ")";
        }
    }

    /**
     * Waits, then lets the call proceed. An interrupt ends the wait early; the call then proceeds
     * with the thread's interrupt flag set.
     *
     * @param duration how long to wait, positive
     */
    record Delay(Duration duration) implements FaultAction {

        public Delay {
            Objects.requireNonNull(duration, "duration");
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("DELAY needs a positive duration, was " + duration);
            }
        }

        @Override
        public String toString() {
            long millis = duration.toMillis();
            return "DELAY(" + (millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms") + ")";
        }
    }
}
