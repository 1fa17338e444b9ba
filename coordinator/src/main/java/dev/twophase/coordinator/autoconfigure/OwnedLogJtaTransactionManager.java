package dev.twophase.coordinator.autoconfigure;

import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.HeuristicCompletionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.jta.JtaTransactionManager;

import com.atomikos.icatch.jta.UserTransactionManager;

import dev.twophase.coordinator.log.LastResource;
import dev.twophase.coordinator.log.OnePhaseAwareLog;

/**
 * Spring's {@link JtaTransactionManager} over Atomikos that begins no transaction while this process
 * does not own its coordinator log: a log in PostgreSQL whose lease ran out (the process was paused or
 * cut off) or was taken over by another instance. Such a transaction could not log a commit decision,
 * and would only do work, take locks and consume messages to roll them back.
 *
 * <p>It also keeps a commit whose logging last resource gave no answer from reaching the caller as a
 * rollback, which is all Atomikos can say of a failed decision: the caller gets a
 * {@link HeuristicCompletionException} with the outcome unknown.
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

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        LastResource.takeUnknownOutcome(); // nothing left over from an earlier commit on this thread
        try {
            super.doCommit(status);
        } catch (TransactionException e) {
            if (LastResource.takeUnknownOutcome()) {
                throw new HeuristicCompletionException(HeuristicCompletionException.STATE_UNKNOWN, e);
            }
            throw e;
        }
    }
}
