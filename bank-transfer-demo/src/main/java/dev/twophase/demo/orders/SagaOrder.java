package dev.twophase.demo.orders;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.demo.patterns.BranchBarrier;
import dev.twophase.demo.patterns.BranchBarrier.Op;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * The order as a Saga of local transactions, orchestrated from its log in bank A:
 * <ol>
 * <li>{@code STARTED}: the log row, in its own local transaction;</li>
 * <li>stock: the quantity taken from the product in bank A, under the barrier (branch {@code stock}),
 * then {@code TAKEN};</li>
 * <li>order: the order row in bank B (branch {@code order}), then {@code DONE} with the {@code order}
 * event in bank A's outbox, in one local transaction.</li>
 * </ol>
 * A refused take (out of stock, unknown product) compensates under the barrier, in case a concurrent
 * driver's take got through, and ends {@code REJECTED} when nothing had been taken. A order past its
 * timeout while still {@code STARTED} is compensated: {@code COMPENSATING}, the stock put back
 * (branch {@code stock}, operation compensate), {@code COMPENSATED}.
 *
 * <p>Recovery: {@code STARTED} goes forward until its timeout and is compensated after (the barrier's
 * null compensation blocks a take arriving later); {@code TAKEN} only goes forward, since the order
 * insert cannot be refused; {@code COMPENSATING} finishes its compensation.
 */
final class SagaOrder extends OrderPattern {

    static final String STARTED = "STARTED";
    static final String TAKEN = "TAKEN";
    static final String COMPENSATING = "COMPENSATING";
    static final String COMPENSATED = "COMPENSATED";

    static final List<String> CRASH_POINTS = List.of("saga-order.stock.before-commit", "saga-order.stock.after-commit",
            "saga-order.order.before-commit", "saga-order.order.after-commit", "saga-order.finish.before-commit",
            "saga-order.compensate.after-commit");

    SagaOrder(LocalDatabase bankA, LocalDatabase bankB, OrderLog orderLog, PatternFaults faults, ObjectMapper json, Duration timeout) {
        super(bankA, bankB, orderLog, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.SAGA;
    }

    @Override
    OrderLog.Row newRow(OrderRequest request) {
        return newRow(request, STARTED, false);
    }

    @Override
    OrderLog.Row start(OrderLog.Row row) {
        return drive(logged(row));
    }

    @Override
    OrderLog.Row drive(OrderLog.Row row) {
        OrderRejectedException refused = null;
        while (!row.finished()) {
            row = switch (row.state()) {
                case STARTED -> {
                    if (now() > row.deadlineMs()) {
                        yield move(row, COMPENSATING, null, false, false);
                    }
                    try {
                        yield take(row);
                    } catch (OrderRejectedException e) {
                        refused = e;
                        yield reread(row);
                    }
                }
                case TAKEN -> place(row);
                case COMPENSATING -> compensate(row);
                default -> throw new IllegalStateException("saga order " + row.gid() + " is in unknown state " + row.state());
            };
        }
        logOutcome(row);
        if (!DONE.equals(row.state())) {
            throw rejection(row, refused);
        }
        return row;
    }

    private OrderLog.Row take(OrderLog.Row row) {
        BranchBarrier.Result<Object> result;
        try {
            result = bankA.step(row.gid(), "stock", Op.ACTION, jdbc -> {
                takeOrReject(jdbc, row);
                orderLog.exposed(row.gid(), now());
                faults.reach("saga-order.stock.before-commit", row.gid());
                return null;
            });
        } catch (OrderRejectedException e) {
            // As the transfer's refused debit: a concurrent driver's take may still commit, so compensate under the
            // barrier (its null compensation fences that take out); compensate() records REJECTED if nothing was taken.
            move(row, COMPENSATING, e.reason().slug(), false, false);
            throw e;
        }
        faults.reach("saga-order.stock.after-commit", row.gid());
        if (result.outcome() == BranchBarrier.Outcome.HANGING) {
            return move(row, COMPENSATING, null, false, false);
        }
        return move(row, TAKEN, null, true, false);
    }

    private OrderLog.Row place(OrderLog.Row row) {
        bankB.step(row.gid(), "order", Op.ACTION, jdbc -> {
            placeOrder(jdbc, row);
            faults.reach("saga-order.order.before-commit", row.gid());
            return null;
        });
        faults.reach("saga-order.order.after-commit", row.gid());
        return finish(row, TAKEN, "saga-order.finish.before-commit");
    }

    private OrderLog.Row compensate(OrderLog.Row row) {
        // The stock and the log are both in bank A: a compensation that puts stock back moves the log in the same
        // local transaction, so a compensation found DUPLICATE while the log still says COMPENSATING was a null one.
        BranchBarrier.Result<Object> result = bankA.step(row.gid(), "stock", Op.COMPENSATE, jdbc -> {
            putBack(jdbc, row);
            orderLog.transition(row.gid(), COMPENSATING, COMPENSATED, null, false, true, now());
            return null;
        });
        faults.reach("saga-order.compensate.after-commit", row.gid());
        if (result.outcome() == BranchBarrier.Outcome.RAN) {
            return reread(row);
        }
        // Nothing was taken: a refused take ends REJECTED, a timed-out one COMPENSATED (with nothing to give back).
        return move(row, row.failure() != null ? REJECTED : COMPENSATED, null, false, true);
    }
}
