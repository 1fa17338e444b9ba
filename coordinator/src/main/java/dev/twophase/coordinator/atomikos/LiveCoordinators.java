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
}
