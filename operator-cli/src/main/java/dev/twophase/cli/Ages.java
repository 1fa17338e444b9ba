package dev.twophase.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** How long ago an ISO-8601 instant was, the way an operator reads it: {@code 45s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
final class Ages {

    private Ages() {
    }

    /** The age of {@code iso} at {@code now}; {@code null} when there is no time or it cannot be read. */
    static String since(String iso, Instant now) {
        Instant then = parse(iso);
        return then == null ? null : format(Duration.between(then, now));
    }

    static String format(Duration age) {
        long seconds = Math.max(0, age.getSeconds());
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long secs = seconds % 60;
        if (days > 0) {
            return String.format("%dd%02dh", days, hours);
        }
        if (hours > 0) {
            return String.format("%dh%02dm", hours, minutes);
        }
        if (minutes > 0) {
            return String.format("%dm%02ds", minutes, secs);
        }
        return secs + "s";
    }

    private static Instant parse(String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(iso).toInstant();
            } catch (DateTimeParseException unreadable) {
                // The age is a convenience column; the raw createdAt stays in show and --json.
                return null;
            }
        }
    }
}
