package dev.twophase.demo.orders;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twophase.demo.patterns.PatternMode;

/**
 * The order as a Saga, a TCC or through the outbox: picks the engine for the request's mode, finds an
 * order by id in the log, and recovers what a crash or a failure left unfinished.
 */
public class PatternOrders {

    private static final Logger log = LoggerFactory.getLogger(PatternOrders.class);
    private static final int BATCH = 50;

    private final Map<PatternMode, OrderPattern> engines = new EnumMap<>(PatternMode.class);
    private final OrderLog orderLog;

    PatternOrders(List<OrderPattern> engines, OrderLog orderLog) {
        engines.forEach(e -> this.engines.put(e.mode(), e));
        this.orderLog = orderLog;
    }

    /**
     * Runs the order in {@code mode} (not XA).
     *
     * @return the order's log: {@code DONE}, or (outbox, or after an unexpected failure once logged) a state in progress
     * @throws OrderRejectedException when refused; the message says what was undone
     */
    public PatternOrder order(OrderRequest request, PatternMode mode) {
        OrderPattern engine = engine(mode);
        OrderLog.Row row = engine.newRow(request);
        try {
            return PatternOrder.of(engine.start(row));
        } catch (OrderRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            // Some local transactions may have committed: "nothing changed" would be false. Answer with the log (202)
            // and leave the order to recovery; if it was never logged, nothing ran and the failure is what it is.
            Optional<OrderLog.Row> logged;
            try {
                logged = orderLog.find(row.gid());
            } catch (RuntimeException unreadable) {
                e.addSuppressed(unreadable);
                throw e;
            }
            if (logged.isEmpty()) {
                throw e;
            }
            if (logged.get().finished() && !OrderPattern.DONE.equals(logged.get().state())) {
                // Undone before the failure: answer as the undo says, not "on its way".
                throw OrderPattern.rejection(logged.get(), null);
            }
            log.warn("Order {} failed in state {} and is left to recovery: {}", row.gid(), logged.get().state(), e.toString());
            return PatternOrder.of(logged.get());
        }
    }

    /** The order with this id, from the log. */
    public Optional<PatternOrder> find(String id) {
        return orderLog.find(id).map(PatternOrder::of);
    }

    OrderPattern engine(PatternMode mode) {
        OrderPattern engine = engines.get(mode);
        if (engine == null) {
            throw new IllegalArgumentException("no order engine for mode " + mode);
        }
        return engine;
    }

    /**
     * One recovery pass: each unfinished order whose log has not changed for {@code staleAfter} is driven
     * on by its mode's rules (see each engine); safe on several instances at once.
     *
     * @return how many orders it drove to a final state
     */
    int recoverOnce(Duration staleAfter) {
        return orderLog.recoverStale("order", OrderPattern.now() - staleAfter.toMillis(), BATCH, row -> engine(row.mode()).drive(row),
                e -> e instanceof OrderRejectedException r ? r.reason().slug() : null);
    }
}
