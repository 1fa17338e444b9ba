package dev.twophase.demo.transfer;

import org.springframework.http.HttpStatus;

import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

/**
 * A transfer request that breaks a business rule. Nothing was changed: the transaction that
 * detected it was rolled back.
 */
public class TransferRejectedException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /** The reasons for refusing, with their HTTP status and problem type slug. */
    public static final class Reason {
        public static final Rejection SAME_ACCOUNT = new Rejection(HttpStatus.UNPROCESSABLE_ENTITY, "same-account", "Same account on both sides");
        public static final Rejection UNKNOWN_ACCOUNT = new Rejection(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-account", "Unknown account");
        public static final Rejection INSUFFICIENT_FUNDS = new Rejection(HttpStatus.UNPROCESSABLE_ENTITY, "insufficient-funds", "Insufficient funds");
        public static final Rejection IDEMPOTENCY_KEY_REUSED = new Rejection(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency key reused");
        /** A Saga or TCC that did not settle within its timeout (or stalled until recovery took it) and was undone. */
        public static final Rejection TIMED_OUT = new Rejection(HttpStatus.CONFLICT, "transfer-timed-out", "Transfer timed out and was undone");
        public static final Rejection INVALID_MODE = new Rejection(HttpStatus.BAD_REQUEST, "invalid-mode", "Unknown transfer mode");
        public static final Rejection INVALID_IDEMPOTENCY_KEY = new Rejection(HttpStatus.BAD_REQUEST, "invalid-idempotency-key", "Missing or invalid idempotency key");

        private Reason() {
        }
    }

    public TransferRejectedException(Rejection reason, String detail) {
        super(reason, detail);
    }
}
