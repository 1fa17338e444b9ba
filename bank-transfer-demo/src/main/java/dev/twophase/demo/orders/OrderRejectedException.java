package dev.twophase.demo.orders;

import org.springframework.http.HttpStatus;

import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

/**
 * An order that cannot be placed. Nothing was changed and nothing was published: the transaction
 * that found it was rolled back, or (Saga, TCC) what ran was undone, as the message says.
 */
public class OrderRejectedException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /** The reasons for refusing, with their HTTP status and problem type slug. */
    public static final class Reason {
        public static final Rejection UNKNOWN_PRODUCT = new Rejection(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-product", "Unknown product");
        public static final Rejection OUT_OF_STOCK = new Rejection(HttpStatus.CONFLICT, "out-of-stock", "Out of stock");
        public static final Rejection CONCURRENT_MODIFICATION = new Rejection(HttpStatus.CONFLICT, "concurrent-modification", "Concurrent modification");
        public static final Rejection TIMED_OUT = new Rejection(HttpStatus.CONFLICT, "order-timed-out", "Order timed out and was undone");
        public static final Rejection INVALID_MODE = new Rejection(HttpStatus.BAD_REQUEST, "invalid-mode", "Unknown order mode");

        private Reason() {
        }
    }

    public OrderRejectedException(Rejection reason, String detail) {
        super(reason, detail);
    }
}
