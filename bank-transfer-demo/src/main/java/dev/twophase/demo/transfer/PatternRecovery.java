package dev.twophase.demo.transfer;

import java.time.Duration;
import java.util.Collection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.twophase.demo.patterns.PeriodicTask;

/**
 * The recovery timer of the Saga, TCC and outbox transfers: every {@code interval}, each unfinished
 * transfer whose log has not changed for {@code staleAfter} (a crash, a lost connection, a database
 * that was down) is driven on from the state in its log, by its mode's rules (see each engine). Runs
 * on every instance: two instances driving the same transfer is safe, because each step runs under
 * the branch barrier and each change of state is a compare-and-set.
 */
final class PatternRecovery extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(PatternRecovery.class);
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
            for (PatternLog.Row row : patternLog.stale(TransferPattern.now() - staleAfter.toMillis(), BATCH)) {
                try {
                    PatternLog.Row after = transfers.engine(row.mode()).drive(row);
                    if (after.finished()) {
                        finished++;
                        log.info("Recovered {} transfer {}: {} -> {}", row.mode(), row.gid(), row.state(), after.state());
                    } else {
                        patternLog.attempted(row.gid(), TransferPattern.now());
                    }
                } catch (TransferRejectedException e) {
                    // Undone by its mode's rules (a timeout, a refused step) -- or refused on the way and not finished yet.
                    PatternLog.Row after = patternLog.find(row.gid()).orElse(row);
                    if (after.finished()) {
                        finished++;
                        log.info("Recovered {} transfer {}: {} -> {} ({})", row.mode(), row.gid(), row.state(), after.state(),
                                e.reason().slug());
                    } else {
                        patternLog.attempted(row.gid(), TransferPattern.now());
                        log.warn("Recovery of {} transfer {} in state {} was refused, will try again: {}", row.mode(), row.gid(),
                                after.state(), e.getMessage());
                    }
                } catch (RuntimeException e) {
                    patternLog.attempted(row.gid(), TransferPattern.now());
                    log.warn("Recovery of {} transfer {} in state {} failed, will try again: {}", row.mode(), row.gid(), row.state(),
                            e.toString());
                }
            }
        }
        return finished;
    }

    /** A pass that fails as a whole (a log that cannot be read) is logged by {@link PeriodicTask}; the next one tries again. */
    @Override
    protected void tick() {
        recoverOnce();
    }
}
