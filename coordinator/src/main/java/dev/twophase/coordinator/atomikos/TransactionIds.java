package dev.twophase.coordinator.atomikos;

import java.time.Instant;
import java.util.Optional;

import com.atomikos.util.UniqueIdMgr;

/**
 * The format of Atomikos transaction ids, which Atomikos does not document:
 * {@code <tm_unique_name><System.currentTimeMillis()><counter>} ({@code com.atomikos.util.UniqueIdMgr.get()};
 * the counter is zero-padded to {@value #COUNTER_DIGITS} digits and wraps from 31999 to 0). The id
 * is the gtrid of every XA branch of the transaction.
 */
public final class TransactionIds {

    /** Digits of the per-millisecond counter at the end of an Atomikos transaction id. */
    public static final int COUNTER_DIGITS = 5;

    private TransactionIds() {
    }

    /**
     * When the transaction with this id was created, if the id is in Atomikos's format for a
     * transaction manager whose Atomikos name is {@code prefix}.
     */
    public static Optional<Instant> createdAt(String prefix, String gtrid) {
        if (gtrid == null || !gtrid.startsWith(prefix)) {
            return Optional.empty();
        }
        String digits = gtrid.substring(prefix.length());
        // A long holds 18 decimal digits safely: 13 for millis until the year 2286, plus the counter.
        if (digits.length() <= COUNTER_DIGITS || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(digits.substring(0, digits.length() - COUNTER_DIGITS))));
    }

    /** Makes an id the way Atomikos does and checks that {@link #createdAt} reads back the moment it was made. */
    static void verifyFormat() {
        String prefix = "twophase-check.";
        long before = System.currentTimeMillis();
        String id = new UniqueIdMgr(prefix).get();
        long after = System.currentTimeMillis();
        Instant created = createdAt(prefix, id).orElseThrow(
                () -> new IllegalStateException("id '" + id + "' is not <name><millis><" + COUNTER_DIGITS + "-digit counter>"));
        if (created.toEpochMilli() < before || created.toEpochMilli() > after) {
            throw new IllegalStateException("id '" + id + "' does not carry its creation time");
        }
    }
}
