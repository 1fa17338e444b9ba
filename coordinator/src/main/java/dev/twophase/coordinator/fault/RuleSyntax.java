package dev.twophase.coordinator.fault;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the text form of {@link Fault} and {@link FaultAction}; every error says what is expected. */
final class RuleSyntax {

    static final String SYNTAX = "<participant>:<crash point>:<action>[:x<N> | :always][:skip=<N>][:spans=<p>+<p>...],"
            + " e.g. bankA:BEFORE_COMMIT:HALT or bankB:BEFORE_PREPARE:FAIL(XA_RBROLLBACK):x2:skip=1";
    static final String ACTIONS = "HALT, HALT(<exit status>), FAIL(<XAException code, e.g. XAER_RMFAIL>)"
            + " or DELAY(<duration, e.g. 2s>)";

    private static final Pattern ACTION = Pattern.compile("([A-Za-z]+)\\s*(?:\\((.*)\\))?");
    private static final Pattern TIMES = Pattern.compile("x(\\d{1,9})");
    private static final Pattern SKIP = Pattern.compile("skip\\s*=\\s*(\\d{1,9})");
    private static final Pattern SPANS = Pattern.compile("spans\\s*=\\s*(.+)");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");

    private RuleSyntax() {
    }

    static Fault fault(String rule) {
        if (rule == null || rule.isBlank()) {
            throw new IllegalArgumentException("the fault rule is empty; expected " + SYNTAX);
        }
        String[] parts = rule.strip().split(":", -1);
        if (parts.length < 3) {
            throw bad(rule, "it has " + parts.length + " part(s) where at least 3 are needed; expected " + SYNTAX);
        }
        try {
            String participant = parts[0].strip();
            if (participant.isEmpty()) {
                throw new IllegalArgumentException("the participant name is missing; expected " + SYNTAX);
            }
            CrashPoint point = crashPoint(parts[1]);
            FaultAction action = action(parts[2]);
            Integer times = null;
            Integer skip = null;
            Set<String> spans = null;
            for (int i = 3; i < parts.length; i++) {
                String modifier = parts[i].strip().toLowerCase(Locale.ROOT);
                Matcher timesMatch = TIMES.matcher(modifier);
                Matcher skipMatch = SKIP.matcher(modifier);
                Matcher spansMatch = SPANS.matcher(parts[i].strip());
                if (modifier.equals("always") || timesMatch.matches()) {
                    if (times != null) {
                        throw new IllegalArgumentException("'" + parts[i].strip() + "' repeats the count; give one of x<N> or always");
                    }
                    times = modifier.equals("always") ? Fault.ALWAYS : Integer.parseInt(timesMatch.group(1));
                } else if (spansMatch.matches() && modifier.startsWith("spans")) {
                    if (spans != null) {
                        throw new IllegalArgumentException("spans is given twice");
                    }
                    spans = new LinkedHashSet<>();
                    for (String name : spansMatch.group(1).split("\\+", -1)) {
                        if (name.strip().isEmpty()) {
                            throw new IllegalArgumentException("spans has an empty participant name; expected spans=<participant>+<participant>...");
                        }
                        spans.add(name.strip());
                    }
                } else if (skipMatch.matches()) {
                    if (skip != null) {
                        throw new IllegalArgumentException("skip is given twice");
                    }
                    skip = Integer.parseInt(skipMatch.group(1));
                } else {
                    throw new IllegalArgumentException("unknown modifier '" + parts[i].strip()
                            + "'; expected x<N> (act on N calls), always (act on every call), skip=<N> (let N calls pass first)"
                            + " or spans=<participant>+... (only transactions with branches on all of them)");
                }
            }
            if (spans != null && point == CrashPoint.DURING_RECOVER) {
                throw new IllegalArgumentException("spans cannot be used with DURING_RECOVER: a recovery scan belongs to no transaction");
            }
            return new Fault(participant, point, action, times == null ? 1 : times, skip == null ? 0 : skip, spans);
        } catch (IllegalArgumentException e) {
            throw bad(rule, e.getMessage());
        }
    }

    static CrashPoint crashPoint(String text) {
        String name = text.strip().toUpperCase(Locale.ROOT);
        try {
            return CrashPoint.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown crash point '" + text.strip() + "'; expected one of "
                    + Arrays.stream(CrashPoint.values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }

    static FaultAction action(String text) {
        String trimmed = text == null ? "" : text.strip();
        Matcher m = ACTION.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + trimmed + "' is not an action; expected " + ACTIONS);
        }
        String argument = m.group(2) == null ? null : m.group(2).strip();
        switch (m.group(1).toUpperCase(Locale.ROOT)) {
            case "HALT":
                if (argument == null) {
                    return FaultAction.halt();
                }
                if (!argument.matches("\\d{1,3}")) {
                    throw new IllegalArgumentException("HALT(" + argument + ") needs an exit status from 1 to 255, e.g. HALT(3)");
                }
                return FaultAction.halt(Integer.parseInt(argument));
            case "FAIL":
                if (argument == null || argument.isEmpty()) {
                    throw new IllegalArgumentException("FAIL needs an XAException error code, e.g. FAIL(XAER_RMFAIL) or FAIL(XA_RBROLLBACK)");
                }
                return FaultAction.fail(argument);
            case "DELAY":
                if (argument == null || argument.isEmpty()) {
                    throw new IllegalArgumentException("DELAY needs a duration, e.g. DELAY(2s) or DELAY(500ms)");
                }
                return FaultAction.delay(duration(argument));
            default:
                throw new IllegalArgumentException("unknown action '" + m.group(1) + "'; expected " + ACTIONS);
        }
    }

    static Duration duration(String text) {
        Matcher m = SIMPLE_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        }
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration; write it with a unit, e.g. 500ms, 2s, 1m or PT2S");
    }

    private static IllegalArgumentException bad(String rule, String reason) {
        return new IllegalArgumentException("fault rule '" + rule + "': " + reason);
    }
}
