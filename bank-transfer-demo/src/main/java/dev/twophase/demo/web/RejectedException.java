package dev.twophase.demo.web;

/**
 * A request that breaks a business rule, answered as problem+json with its {@link Rejection}'s
 * status and type {@code /problems/<slug>}. Nothing was changed: the transaction that found it
 * was rolled back. Logged without a stack trace: it is an expected answer, not a fault.
 */
public class RejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Rejection reason;

    public RejectedException(Rejection reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    /** What kind of refusal this is. */
    public Rejection reason() {
        return reason;
    }
}
