package dev.twophase.demo.transfer;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import dev.twophase.demo.bank.AccountRef;

/**
 * Body of {@code POST /api/transfers}.
 *
 * @param from the account to debit
 * @param to the account to credit
 * @param amountCents a positive whole number of cents (at most 10^12)
 * @param idempotencyKey client-chosen key; a repeat with the same key returns the first result.
 *        May instead come in the {@code Idempotency-Key} header. Checked by the service (not here)
 *        so that a missing or malformed key, in the body or the header, is always answered with
 *        {@code invalid-idempotency-key}.
 * @param mode how the transfer is made consistent: {@code xa} (the default: one two-phase commit),
 *        {@code saga}, {@code tcc} or {@code outbox} (local transactions, eventually consistent; see
 *        docs/patterns.md). Checked by the service, so a wrong value gets {@code invalid-mode}.
 */
public record TransferRequest(
        @NotNull @Valid AccountRef from,
        @NotNull @Valid AccountRef to,
        @NotNull @Positive @Max(1_000_000_000_000L) Long amountCents,
        String idempotencyKey,
        String mode) {

    /** An XA transfer request. */
    public TransferRequest(AccountRef from, AccountRef to, Long amountCents, String idempotencyKey) {
        this(from, to, amountCents, idempotencyKey, null);
    }

    static final String KEY_PATTERN = "[\\x21-\\x7E]{1,100}";

    /** A stable digest of what the request asks for, to detect a key reused for a different transfer. */
    String fingerprint() {
        String canonical = from.bank() + "|" + from.account() + "|" + to.bank() + "|" + to.account() + "|" + amountCents;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    TransferRequest withIdempotencyKey(String key) {
        return new TransferRequest(from, to, amountCents, key, mode);
    }
}
