package dev.twophase.coordinator.autoconfigure;

import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.jta.JtaTransactionManager;

import com.atomikos.icatch.jta.UserTransactionManager;

import dev.twophase.coordinator.log.OnePhaseAwareLog;

/**
 * Spring's {@link JtaTransactionManager} over Atomikos that begins no transaction while this process
 * does not own its coordinator log: a log in PostgreSQL whose lease ran out (the process was paused or
 * cut off) or was taken over by another instance. Such a transaction could not log a commit decision,
 * and would only do work, take locks and consume messages to roll them back.
 */
final class OwnedLogJtaTransactionManager extends JtaTransactionManager {

    private static final long serialVersionUID = 1L;

    OwnedLogJtaTransactionManager(UserTransactionManager atomikos) {
        super(atomikos, atomikos);
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        if (!OnePhaseAwareLog.currentLogOwned()) {
            throw new CannotCreateTransactionException("this coordinator does not own its recovery log now: its lease in the"
                    + " log database ran out or another instance took its TM name over, so it could not log a commit"
                    + " decision; it starts no transactions until it owns the log again");
        }
        super.doBegin(transaction, definition);
    }
}
