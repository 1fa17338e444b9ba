package dev.twophase.coordinator.atomikos;

import com.atomikos.icatch.CompositeCoordinator;
import com.atomikos.icatch.TransactionService;
import com.atomikos.icatch.config.Configuration;
import com.atomikos.icatch.imp.CoordinatorImp;

/**
 * What the running Atomikos knows about a live root transaction that its public API does not say:
 * how many participants its coordinator ({@code CoordinatorImp}, an implementation class) has.
 */
public final class LiveCoordinators {

    private LiveCoordinators() {
    }

    /**
     * Whether the live root coordinator with this id has exactly one participant, so that it commits
     * in one phase ({@code CoordinatorImp.terminate} does {@code commit(onePhase = participants <= 1)}).
     * {@code false} when there is no such live coordinator.
     */
    public static boolean isOnePhaseRoot(String coordinatorId) {
        TransactionService service = Configuration.getTransactionService();
        CompositeCoordinator coordinator = service == null ? null : service.getCompositeCoordinator(coordinatorId);
        return coordinator instanceof CoordinatorImp imp && coordinatorId.equals(imp.getCoordinatorId())
                && imp.getParticipants().size() == 1;
    }

    /**
     * Rolls back the live root coordinator with this id if it is in doubt: Atomikos keeps the coordinator
     * of a commit whose decision could not be logged in memory, IN_DOUBT, and its participants' connections
     * with it. A MariaDB branch prepared on such a connection can only be finished through that connection
     * while it lives (any other answers {@code XAER_NOTA}), so the coordinator itself rolls them back, and
     * its connections go back to their pools. Only for a transaction whose commit decision was refused.
     *
     * @return whether there was such a coordinator (its rollback may still have reported a heuristic)
     */
    public static boolean rollBackInDoubtRoot(String coordinatorId) {
        TransactionService service = Configuration.getTransactionService();
        CompositeCoordinator coordinator = service == null ? null : service.getCompositeCoordinator(coordinatorId);
        if (!(coordinator instanceof CoordinatorImp imp) || !coordinatorId.equals(imp.getCoordinatorId())
                || imp.getState() != com.atomikos.recovery.TxState.IN_DOUBT) {
            return false;
        }
        try {
            imp.rollback();
        } catch (com.atomikos.icatch.HeurCommitException | com.atomikos.icatch.HeurMixedException
                | com.atomikos.icatch.HeurHazardException | com.atomikos.icatch.SysException | IllegalStateException e) {
            org.slf4j.LoggerFactory.getLogger(LiveCoordinators.class).warn(
                    "Atomikos's coordinator of {} did not roll back cleanly ({}); recovery finishes what is left", coordinatorId, e.toString());
        }
        return true;
    }
}
