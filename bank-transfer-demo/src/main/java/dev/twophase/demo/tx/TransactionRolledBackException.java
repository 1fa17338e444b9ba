package dev.twophase.demo.tx;

/**
 * The work of a transaction failed in an unexpected way before the commit decision; the
 * transaction was rolled back on every participant, so nothing changed and the request can be
 * retried. Thrown by {@link FlowTransactions}; its cause is for the log, never for the client.
 */
public class TransactionRolledBackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TransactionRolledBackException(Throwable cause) {
        super("the transaction's work failed before the commit decision and was rolled back", cause);
    }
}
