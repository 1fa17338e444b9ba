package dev.twophase.demo.patterns;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a flow makes its writes consistent: one XA transaction, or one of the alternatives on local transactions. */
public enum PatternMode {

    /** One JTA transaction over every participant, two-phase commit: atomic. */
    XA,
    /** A chain of local transactions, each undone by a compensation in reverse order: eventually consistent. */
    SAGA,
    /** Try (reserve), then confirm or cancel, each a local transaction: eventually consistent, nothing spent until confirm. */
    TCC,
    /** One local transaction with the business change and an event row; a relay publishes it, the consumer deduplicates. */
    OUTBOX;

    /**
     * Reads a mode in any case ({@code saga}, {@code SAGA}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static PatternMode parse(String text) {
        for (PatternMode m : values()) {
            if (m.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode must be one of " + accepted() + ", not '" + text + "'");
    }

    /**
     * The mode of a request: {@link #XA} when {@code text} is {@code null}, else {@link #parse}d.
     *
     * @param invalid makes the flow's own typed refusal from the detail to show the client
     */
    public static PatternMode ofRequest(String text, java.util.function.Function<String, ? extends RuntimeException> invalid) {
        if (text == null) {
            return XA;
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid.apply("mode must be one of " + accepted() + " (default xa); nothing was changed.");
        }
    }

    /** The accepted values, lower case, comma-separated. */
    public static String accepted() {
        return Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
