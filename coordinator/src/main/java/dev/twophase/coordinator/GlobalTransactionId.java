package dev.twophase.coordinator;

import java.util.Optional;

import com.atomikos.icatch.CompositeTransaction;
import com.atomikos.icatch.CompositeTransactionManager;
import com.atomikos.icatch.config.Configuration;

/**
 * The global transaction id of the JTA transaction running on this thread: the {@code gtrid}
 * of every XA branch the transaction has on any participant (what {@code XA RECOVER},
 * {@code pg_prepared_xacts} and the broker show for it, and what a fault-injection line names).
 * Writing it next to the business record, or into an event, lets an operator or a test find
 * the business transaction behind an in-doubt branch.
 */
public final class GlobalTransactionId {

    private GlobalTransactionId() {
    }

    /** The current transaction's global id, or empty outside a transaction (or before the coordinator started). */
    public static Optional<String> current() {
        CompositeTransactionManager manager = Configuration.getCompositeTransactionManager();
        if (manager == null) {
            return Optional.empty();
        }
        CompositeTransaction transaction = manager.getCompositeTransaction();
        return transaction == null ? Optional.empty() : Optional.ofNullable(transaction.getTid());
    }
}
