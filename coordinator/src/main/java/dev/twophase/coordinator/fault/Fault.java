package dev.twophase.coordinator.fault;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One fault-injection rule: at {@link CrashPoint} {@code point} of participant {@code participant},
 * let the first {@code skip} matching calls pass, then do {@code action} on the next {@code times}
 * calls (or on every one, {@link #ALWAYS}).
 *
 * <p>{@link #toString()} gives the rule syntax that {@link #parse} reads:
 * <pre>
 * &lt;participant&gt;:&lt;crash point&gt;:&lt;action&gt;[:x&lt;N&gt; | :always][:skip=&lt;N&gt;]
 *
 * bankA:BEFORE_COMMIT:HALT
 * bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):x2
 * broker:AFTER_PREPARE:DELAY(2s):always:skip=1
 * </pre>
 *
 * @param participant the Atomikos unique resource name of the participant, e.g. {@code bankA}
 * @param point where the rule acts
 * @param action what it does there
 * @param times how many matching calls it acts on, at least 1, or {@link #ALWAYS}
 * @param skip how many matching calls pass untouched before it first acts, 0 or more
 */
public record Fault(String participant, CrashPoint point, FaultAction action, int times, int skip, Set<String> spans) {

    /** {@code times} of a rule that acts on every matching call and is never used up. */
    public static final int ALWAYS = -1;

    public Fault {
        if (participant == null || participant.isBlank()) {
            throw new IllegalArgumentException("a fault needs the participant's unique resource name, e.g. bankA");
        }
        if (!participant.equals(participant.strip()) || participant.indexOf(':') >= 0) {
            throw new IllegalArgumentException("participant name '" + participant
                    + "' must not contain ':' or start or end with white space");
        }
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(action, "action");
        if (times < 1 && times != ALWAYS) {
            throw new IllegalArgumentException("times must be at least 1 (or Fault.ALWAYS), was " + times);
        }
        if (skip < 0) {
            throw new IllegalArgumentException("skip must be 0 or more, was " + skip);
        }
        spans = spans == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(spans));
        for (String other : spans) {
            if (other.isBlank() || other.indexOf(':') >= 0 || other.indexOf('+') >= 0) {
                throw new IllegalArgumentException("spans names participants separated by '+', e.g. spans=bank-a+bank-b+broker");
            }
        }
    }

    /** A rule for any transaction (no {@code spans} condition). */
    public Fault(String participant, CrashPoint point, FaultAction action, int times, int skip) {
        this(participant, point, action, times, skip, Set.of());
    }

    /** A rule that acts once, on the first matching call. */
    public static Fault of(String participant, CrashPoint point, FaultAction action) {
        return new Fault(participant, point, action, 1, 0);
    }

    /**
     * Reads a rule in the syntax shown above. Crash point, action and modifiers are case-insensitive;
     * the participant name is not.
     *
     * @throws IllegalArgumentException saying what is wrong in the rule and what is expected
     */
    public static Fault parse(String rule) {
        return RuleSyntax.fault(rule);
    }

    /** This rule acting on {@code times} matching calls, or on every one with {@link #ALWAYS}. */
    public Fault withTimes(int times) {
        return new Fault(participant, point, action, times, skip, spans);
    }

    /** This rule letting the first {@code skip} matching calls pass. */
    public Fault withSkip(int skip) {
        return new Fault(participant, point, action, times, skip, spans);
    }

    /**
     * This rule, counting and acting only on calls for transactions that have branches on every
     * one of {@code participants} (as far as this JVM has seen them start since the rule was
     * armed): e.g. {@code spans=bank-a+bank-b+broker} leaves out a message consumer's transaction
     * that only touches the broker and one database.
     */
    public Fault withSpans(Set<String> participants) {
        return new Fault(participant, point, action, times, skip, participants);
    }

    /** Whether this rule acts on every matching call and is never used up. */
    public boolean isAlways() {
        return times == ALWAYS;
    }

    /** The rule in rule syntax, e.g. {@code bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):x2:skip=1}. */
    @Override
    public String toString() {
        StringBuilder rule = new StringBuilder(participant).append(':').append(point).append(':').append(action);
        if (times == ALWAYS) {
            rule.append(":always");
        } else if (times > 1) {
            rule.append(":x").append(times);
        }
        if (skip > 0) {
            rule.append(":skip=").append(skip);
        }
        if (!spans.isEmpty()) {
            rule.append(":spans=").append(String.join("+", spans));
        }
        return rule.toString();
    }
}
