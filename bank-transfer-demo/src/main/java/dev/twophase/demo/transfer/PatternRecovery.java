package dev.twophase.demo.transfer;

import java.time.Duration;
import java.util.Collection;

import dev.twophase.demo.patterns.PeriodicTask;

/**
 * The recovery timer of the Saga, TCC and outbox transfers: every {@code interval}, each unfinished
 * transfer whose log has not changed for {@code staleAfter} (a crash, a lost connection, a database
 * that was down) is driven on from the state in its log, by its mode's rules (see each engine). Runs
 * on every instance: two instances driving the same transfer is safe, because each step runs under
 * the branch barrier and each change of state is a compare-and-set.
 */
final class PatternRecovery extends PeriodicTask {

    private static final int BATCH = 50;

    private final PatternTransfers transfers;
    private final Collection<PatternLog> logs;
    private final Duration staleAfter;

    PatternRecovery(PatternTransfers transfers, Collection<PatternLog> logs, Duration interval, Duration staleAfter) {
        super("pattern-recovery", interval);
        this.transfers = transfers;
        this.logs = logs;
        this.staleAfter = staleAfter;
    }

    /**
     * One pass over every log.
     *
     * @return how many transfers it drove to a final state
     */
    int recoverOnce() {
        int finished = 0;
        for (PatternLog patternLog : logs) {
            finished += patternLog.recoverStale("transfer", TransferPattern.now() - staleAfter.toMillis(), BATCH,
                    row -> transfers.engine(row.mode()).drive(row), e -> e instanceof TransferRejectedException r ? r.reason().slug() : null);
        }
        return finished;
    }

    /** A pass that fails as a whole (a log that cannot be read) is logged by {@link PeriodicTask}; the next one tries again. */
    @Override
    protected void tick() {
        recoverOnce();
    }
}
