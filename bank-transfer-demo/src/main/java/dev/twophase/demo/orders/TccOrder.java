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
 * The order as Try-Confirm-Cancel over local transactions, orchestrated from its log in bank A:
 * <ol>
 * <li>{@code TRYING}: the log row; then the tries, each under the barrier: branch {@code stock} holds
 * the quantity ({@code product.held_stock}: still in stock, but no other order can take it), branch
 * {@code order} in bank B reserves nothing (the barrier row alone, so that a late try is blocked);</li>
 * <li>{@code CONFIRMING} once both tries succeeded: branch {@code stock} takes the held quantity out of
 * the stock, branch {@code order} writes the order row;</li>
 * <li>{@code DONE} with the {@code order} event in bank A's outbox, in one local transaction.</li>
 * </ol>
 * A refused try cancels: {@code CANCELLING}, then the {@code stock} branch's cancel (release the hold)
 * with {@code CANCELLED}, in one local transaction of bank A, then the {@code order} branch's cancel
 * (best effort: it reserves nothing).
 *
 * <p>Recovery is presumed abort: {@code TRYING} is cancelled, {@code CONFIRMING} confirmed,
 * {@code CANCELLING} cancelled.
 */
final class TccOrder extends OrderPattern {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TccOrder.class);

    static final String TRYING = "TRYING";
    static final String CONFIRMING = "CONFIRMING";
    static final String CANCELLING = "CANCELLING";
    static final String CANCELLED = "CANCELLED";

    static final List<String> CRASH_POINTS = List.of("tcc-order.try-stock.after-commit", "tcc-order.try-order.after-commit",
            "tcc-order.confirming.after-commit", "tcc-order.confirm-stock.after-commit", "tcc-order.confirm-order.after-commit",
            "tcc-order.cancel-order.after-commit");

    TccOrder(LocalDatabase bankA, LocalDatabase bankB, OrderLog orderLog, PatternFaults faults, ObjectMapper json, Duration timeout) {
        super(bankA, bankB, orderLog, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.TCC;
    }

    @Override
    OrderLog.Row newRow(OrderRequest request) {
        return newRow(request, TRYING, false);
    }

    @Override
    OrderLog.Row start(OrderLog.Row row) {
        row = logged(row);
        OrderRejectedException refused = null;
        try {
            row = tryBoth(row);
        } catch (OrderRejectedException e) {
            refused = e;
            row = move(row, CANCELLING, e.reason().slug(), false, false);
        }
        return settle(row, refused);
    }

    @Override
    OrderLog.Row drive(OrderLog.Row row) {
        return settle(row, null);
    }

    private OrderLog.Row settle(OrderLog.Row row, OrderRejectedException refused) {
        while (!row.finished()) {
            row = switch (row.state()) {
                // Only a crash or a failure leaves TRYING to this loop: recovery never tries again.
                case TRYING -> move(row, CANCELLING, null, false, false);
                case CONFIRMING -> confirm(row);
                case CANCELLING -> cancel(row);
                default -> throw new IllegalStateException("TCC order " + row.gid() + " is in unknown state " + row.state());
            };
        }
        logOutcome(row);
        if (!DONE.equals(row.state())) {
            throw rejection(row, refused);
        }
        return row;
    }

    private OrderLog.Row tryBoth(OrderLog.Row row) {
        BranchBarrier.Result<Object> stock = bankA.step(row.gid(), "stock", Op.TRY, jdbc -> {
            if (jdbc.update("UPDATE product SET held_stock = held_stock + ?, version = version + 1 WHERE sku = ? AND stock - held_stock >= ?",
                    row.quantity(), row.sku(), row.quantity()) == 0) {
                throw refusal(jdbc, row);
            }
            orderLog.exposed(row.gid(), now());
            return null;
        });
        faults.reach("tcc-order.try-stock.after-commit", row.gid());
        BranchBarrier.Result<Object> order = bankB.step(row.gid(), "order", Op.TRY, jdbc -> null);
        faults.reach("tcc-order.try-order.after-commit", row.gid());
        if (stock.outcome() == BranchBarrier.Outcome.HANGING || order.outcome() == BranchBarrier.Outcome.HANGING) {
            // Cancelled meanwhile (recovery found it stale): the tries are blocked; follow the cancel.
            return reread(row);
        }
        OrderLog.Row confirming = move(row, CONFIRMING, null, true, false);
        faults.reach("tcc-order.confirming.after-commit", row.gid());
        return confirming;
    }

    private OrderLog.Row confirm(OrderLog.Row row) {
        bankA.step(row.gid(), "stock", Op.CONFIRM, jdbc -> {
            if (jdbc.update("UPDATE product SET stock = stock - ?, held_stock = held_stock - ?, version = version + 1"
                    + " WHERE sku = ? AND held_stock >= ?", row.quantity(), row.quantity(), row.sku(), row.quantity()) != 1) {
                throw new IllegalStateException("the stock held by order " + row.gid() + " is gone from product " + row.sku());
            }
            return null;
        });
        faults.reach("tcc-order.confirm-stock.after-commit", row.gid());
        bankB.step(row.gid(), "order", Op.CONFIRM, jdbc -> {
            placeOrder(jdbc, row);
            return null;
        });
        faults.reach("tcc-order.confirm-order.after-commit", row.gid());
        return finish(row, CONFIRMING, null);
    }

    private OrderLog.Row cancel(OrderLog.Row row) {
        // The hold first, with CANCELLED, in one local transaction of bank A: stock must not stay unsellable while
        // bank B is down. The order branch reserves nothing; its cancel only blocks a try arriving late, which could
        // not move the log out of CANCELLED anyway, so it is best effort.
        BranchBarrier.Result<Object> stock = bankA.step(row.gid(), "stock", Op.CANCEL, jdbc -> {
            if (jdbc.update("UPDATE product SET held_stock = held_stock - ?, version = version + 1 WHERE sku = ? AND held_stock >= ?",
                    row.quantity(), row.sku(), row.quantity()) != 1) {
                throw new IllegalStateException("the stock held by order " + row.gid() + " is gone from product " + row.sku());
            }
            orderLog.transition(row.gid(), CANCELLING, CANCELLED, null, false, true, now());
            return null;
        });
        OrderLog.Row cancelled = stock.outcome() == BranchBarrier.Outcome.RAN ? reread(row) : move(row, CANCELLED, null, false, true);
        try {
            bankB.step(row.gid(), "order", Op.CANCEL, jdbc -> null);
        } catch (RuntimeException e) {
            log.debug("Cancel of order {}'s order branch failed; the order is cancelled anyway: {}", row.gid(), e.toString());
        }
        faults.reach("tcc-order.cancel-order.after-commit", row.gid());
        return cancelled;
    }
}
