package dev.twophase.coordinator.autoconfigure;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.HeuristicCompletionException;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

import com.atomikos.icatch.jta.UserTransactionManager;

import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;

import dev.twophase.coordinator.log.UnknownOutcomes;

/**
 * What the caller of a commit learns when the logging last resource gave no answer at the decision:
 * Atomikos can only say "rolled back", the transaction manager says the outcome is unknown.
 */
class OwnedLogJtaTransactionManagerTest {

    @Test
    void aDecisionWhoseOutcomeIsUnknownReachesTheCallerAsAnUnknownHeuristicOutcome() {
        TransactionTemplate template = template(new Atomikos(true));

        assertThatExceptionOfType(HeuristicCompletionException.class).isThrownBy(() -> template.executeWithoutResult(s -> { }))
                .satisfies(e -> assertThat(e.getOutcomeState()).isEqualTo(HeuristicCompletionException.STATE_UNKNOWN));
    }

    @Test
    void aDecisionThatRolledBackStaysARollback() {
        TransactionTemplate template = template(new Atomikos(false));

        assertThatExceptionOfType(UnexpectedRollbackException.class).isThrownBy(() -> template.executeWithoutResult(s -> { }));
        // Nothing left over on the thread for the next commit.
        assertThatExceptionOfType(UnexpectedRollbackException.class).isThrownBy(() -> template.executeWithoutResult(s -> { }));
    }

    private static TransactionTemplate template(Atomikos atomikos) {
        OwnedLogJtaTransactionManager manager = new OwnedLogJtaTransactionManager(atomikos);
        manager.afterPropertiesSet();
        return new TransactionTemplate(manager);
    }

    /** Atomikos as its caller sees a failed decision: the commit throws RollbackException. */
    private static final class Atomikos extends UserTransactionManager {
        private static final long serialVersionUID = 1L;
        private final boolean unknown;
        private int status = Status.STATUS_NO_TRANSACTION;

        Atomikos(boolean unknown) {
            this.unknown = unknown;
        }

        @Override
        public void begin() {
            status = Status.STATUS_ACTIVE;
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void setTransactionTimeout(int seconds) {
        }

        @Override
        public void commit() throws RollbackException {
            status = Status.STATUS_NO_TRANSACTION;
            if (unknown) {
                UnknownOutcomes.decideWithoutAnswer();
            }
            throw new RollbackException("the commit decision could not be logged");
        }

        @Override
        public void rollback() {
            status = Status.STATUS_NO_TRANSACTION;
        }
    }
}
