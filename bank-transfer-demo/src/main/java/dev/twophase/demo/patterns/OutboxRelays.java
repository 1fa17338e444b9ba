package dev.twophase.demo.patterns;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link OutboxRelay}s on a timer: every {@code interval}, each relay publishes batches until its
 * outbox is empty (or what is left is locked by another instance's relay). A failed batch (broker or
 * database down) is logged and tried again at the next tick; its rows stay unpublished meanwhile.
 */
public final class OutboxRelays extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelays.class);

    private final List<OutboxRelay> relays;
    private volatile long failuresInARow;

    public OutboxRelays(List<OutboxRelay> relays, java.time.Duration interval) {
        super("outbox-relay", interval);
        this.relays = List.copyOf(relays);
    }

    /** Publishes every waiting event now, on the caller's thread (tests; the timer does it on its own). */
    public void drain() throws Exception {
        for (OutboxRelay relay : relays) {
            int n;
            do {
                n = relay.relayOnce();
            } while (n > 0);
        }
    }

    @Override
    protected void tick() {
        try {
            drain();
            if (failuresInARow > 0) {
                log.info("Outbox relay publishing again after {} failed tick(s)", failuresInARow);
            }
            failuresInARow = 0;
        } catch (Exception e) {
            // Every failure leaves the rows unpublished for the next tick; log the first of a series only.
            if (failuresInARow++ == 0) {
                log.warn("Outbox relay failed, retrying every {} ms: {}", interval.toMillis(), e.toString());
            }
        }
    }
}
