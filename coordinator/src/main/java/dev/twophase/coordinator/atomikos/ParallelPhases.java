package dev.twophase.coordinator.atomikos;

import java.lang.reflect.Field;

import com.atomikos.icatch.TransactionService;
import com.atomikos.icatch.TransactionServicePlugin;
import com.atomikos.icatch.config.Configuration;

import dev.twophase.coordinator.TwophaseStartupException;

/**
 * Makes Atomikos send each phase of two-phase commit to all participants at once
 * ({@code twophase.coordinator.parallel-phases=true}; off by default).
 *
 * <p>Atomikos 6 runs the prepares, then the commits, of a new transaction one participant after the
 * other in the committing thread: its assembler builds the transaction service with
 * {@code single_threaded_2pc = true} and has no setting to change it. The threaded path it has
 * instead (each message on a thread of its task manager, the committing thread waiting for all the
 * replies) is the one it uses for every transaction it recovers. With three participants that
 * each force a log to prepare and to commit, the sequential phases cost the sum of six forced
 * writes on the critical path; in parallel, two (the slowest participant's per phase).
 *
 * <p>The outcome rules do not change: the commit decision is still logged (forced) only after every
 * prepare has answered, and a transaction whose prepare failed anywhere is rolled back everywhere.
 * What changes is the order in which participants see their calls, which no participant may rely
 * on. The flag is a private field of the transaction service, hence reflection, checked at startup
 * by {@link AtomikosInternals#verify()}.
 */
public final class ParallelPhases implements TransactionServicePlugin {

    static final String FIELD = "single_threaded_2pc_";

    @Override
    public void beforeInit() {
    }

    @Override
    public void afterInit() {
        set(Configuration.getTransactionService(), false);
    }

    @Override
    public void afterShutdown() {
    }

    /** Whether the running Atomikos transaction service starts new transactions with parallel phases. */
    public static boolean active() {
        TransactionService service = Configuration.getTransactionService();
        if (service == null) {
            return false;
        }
        try {
            return !field(service).getBoolean(service);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static void set(TransactionService service, boolean singleThreaded) {
        try {
            field(service).setBoolean(service, singleThreaded);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new TwophaseStartupException("coordinator", "cannot switch this Atomikos ("
                    + (service == null ? "no transaction service" : service.getClass().getName())
                    + ") to parallel prepare and commit: " + e,
                    "Set twophase.coordinator.parallel-phases=false to run the phases one participant after the other.", e);
        }
    }

    private static Field field(TransactionService service) throws NoSuchFieldException {
        Field field = service.getClass().getDeclaredField(FIELD);
        field.setAccessible(true);
        return field;
    }
}
