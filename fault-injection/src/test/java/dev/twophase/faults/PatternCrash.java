package dev.twophase.faults;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.twophase.testing.DatabaseProbe;

/**
 * A crash of a Saga, TCC or outbox transfer or order at one of its steps: the point, the transaction it hit (from
 * the {@code TWOPHASE PATTERN HALT at <point> gid=<gid>} line), and what the transfer's log and rows
 * say became of it once recovery is done.
 */
record PatternCrash(String point, String gid) {

    static final Pattern HALT = Pattern.compile("TWOPHASE PATTERN HALT at (\\S+) gid=(\\S+)");

    /**
     * One row of the pattern crash matrix: where to crash, the load that reaches that point, and the
     * outcome recovery must reach for the crashed transfer.
     */
    record Scenario(String point, Flow flow, Outcome expected) {

        String name() {
            return flow.name().toLowerCase().replace('_', ' ') + ": halt at " + point;
        }
    }

    /**
     * Every crash point of the three patterns. Saga: forward recovery once it has started, unless a
     * step was refused (then compensation). TCC: presumed abort until the log says CONFIRMING, confirm
     * after. Outbox: the debit's local transaction is the only decision; everything after it is
     * delivered at least once and deduplicated.
     */
    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("saga.debit.before-commit", Flow.SAGA_TRANSFER, Outcome.COMMITTED),
            new Scenario("saga.debit.after-commit", Flow.SAGA_TRANSFER, Outcome.COMMITTED),
            new Scenario("saga.credit.before-commit", Flow.SAGA_TRANSFER, Outcome.COMMITTED),
            new Scenario("saga.credit.after-commit", Flow.SAGA_TRANSFER, Outcome.COMMITTED),
            new Scenario("saga.finish.before-commit", Flow.SAGA_TRANSFER, Outcome.COMMITTED),
            new Scenario("saga.compensate.before-commit", Flow.SAGA_TRANSFER_REFUSED, Outcome.ROLLED_BACK),
            new Scenario("saga.compensate.after-commit", Flow.SAGA_TRANSFER_REFUSED, Outcome.ROLLED_BACK),
            new Scenario("tcc.try-from.after-commit", Flow.TCC_TRANSFER, Outcome.ROLLED_BACK),
            new Scenario("tcc.try-to.after-commit", Flow.TCC_TRANSFER, Outcome.ROLLED_BACK),
            new Scenario("tcc.confirming.after-commit", Flow.TCC_TRANSFER, Outcome.COMMITTED),
            new Scenario("tcc.confirm-from.after-commit", Flow.TCC_TRANSFER, Outcome.COMMITTED),
            new Scenario("tcc.confirm-to.after-commit", Flow.TCC_TRANSFER, Outcome.COMMITTED),
            new Scenario("tcc.cancel-from.after-commit", Flow.TCC_TRANSFER_REFUSED, Outcome.ROLLED_BACK),
            new Scenario("outbox.debit.before-commit", Flow.OUTBOX_TRANSFER, Outcome.ROLLED_BACK),
            new Scenario("outbox.debit.after-commit", Flow.OUTBOX_TRANSFER, Outcome.COMMITTED),
            new Scenario("outbox.relay.after-send", Flow.OUTBOX_TRANSFER, Outcome.COMMITTED),
            new Scenario("outbox.credit.before-commit", Flow.OUTBOX_TRANSFER, Outcome.COMMITTED),
            new Scenario("outbox.credit.after-commit", Flow.OUTBOX_TRANSFER, Outcome.COMMITTED),
            new Scenario("saga-order.stock.before-commit", Flow.SAGA_ORDER, Outcome.COMMITTED),
            new Scenario("saga-order.stock.after-commit", Flow.SAGA_ORDER, Outcome.COMMITTED),
            new Scenario("saga-order.order.before-commit", Flow.SAGA_ORDER, Outcome.COMMITTED),
            new Scenario("saga-order.order.after-commit", Flow.SAGA_ORDER, Outcome.COMMITTED),
            new Scenario("saga-order.finish.before-commit", Flow.SAGA_ORDER, Outcome.COMMITTED),
            new Scenario("saga-order.compensate.after-commit", Flow.SAGA_ORDER_REFUSED, Outcome.ROLLED_BACK),
            new Scenario("tcc-order.try-stock.after-commit", Flow.TCC_ORDER, Outcome.ROLLED_BACK),
            new Scenario("tcc-order.try-order.after-commit", Flow.TCC_ORDER, Outcome.ROLLED_BACK),
            new Scenario("tcc-order.confirming.after-commit", Flow.TCC_ORDER, Outcome.COMMITTED),
            new Scenario("tcc-order.confirm-stock.after-commit", Flow.TCC_ORDER, Outcome.COMMITTED),
            new Scenario("tcc-order.confirm-order.after-commit", Flow.TCC_ORDER, Outcome.COMMITTED),
            new Scenario("tcc-order.cancel-order.after-commit", Flow.TCC_ORDER_REFUSED, Outcome.ROLLED_BACK),
            new Scenario("outbox-order.take.before-commit", Flow.OUTBOX_ORDER, Outcome.ROLLED_BACK),
            new Scenario("outbox-order.take.after-commit", Flow.OUTBOX_ORDER, Outcome.COMMITTED),
            new Scenario("outbox.relay.after-send", Flow.OUTBOX_ORDER, Outcome.COMMITTED),
            new Scenario("outbox-order.create.before-commit", Flow.OUTBOX_ORDER, Outcome.COMMITTED),
            new Scenario("outbox-order.create.after-commit", Flow.OUTBOX_ORDER, Outcome.COMMITTED),
            new Scenario("saga-like.count.before-commit", Flow.SAGA_LIKE, Outcome.COMMITTED),
            new Scenario("saga-like.count.after-commit", Flow.SAGA_LIKE, Outcome.COMMITTED),
            new Scenario("saga-like.record.before-commit", Flow.SAGA_LIKE, Outcome.COMMITTED),
            new Scenario("saga-like.record.after-commit", Flow.SAGA_LIKE, Outcome.COMMITTED),
            new Scenario("saga-like.finish.before-commit", Flow.SAGA_LIKE, Outcome.COMMITTED),
            new Scenario("saga-like.compensate.after-commit", Flow.SAGA_LIKE_REFUSED, Outcome.ROLLED_BACK),
            new Scenario("tcc-like.try-count.after-commit", Flow.TCC_LIKE, Outcome.ROLLED_BACK),
            new Scenario("tcc-like.try-record.after-commit", Flow.TCC_LIKE, Outcome.ROLLED_BACK),
            new Scenario("tcc-like.confirming.after-commit", Flow.TCC_LIKE, Outcome.COMMITTED),
            new Scenario("tcc-like.confirm-record.after-commit", Flow.TCC_LIKE, Outcome.COMMITTED),
            new Scenario("tcc-like.confirm-count.after-commit", Flow.TCC_LIKE, Outcome.COMMITTED),
            new Scenario("tcc-like.cancel-record.after-commit", Flow.TCC_LIKE_REFUSED, Outcome.ROLLED_BACK),
            new Scenario("outbox-like.record.before-commit", Flow.OUTBOX_LIKE, Outcome.ROLLED_BACK),
            new Scenario("outbox-like.record.after-commit", Flow.OUTBOX_LIKE, Outcome.COMMITTED),
            new Scenario("outbox.relay.after-send", Flow.OUTBOX_LIKE, Outcome.COMMITTED),
            new Scenario("outbox-like.count.before-commit", Flow.OUTBOX_LIKE, Outcome.COMMITTED),
            new Scenario("outbox-like.count.after-commit", Flow.OUTBOX_LIKE, Outcome.COMMITTED));

    static PatternCrash find(String log) {
        Matcher m = HALT.matcher(log);
        if (!m.find()) {
            throw new AssertionError("no TWOPHASE PATTERN HALT line in the log");
        }
        return new PatternCrash(m.group(1), m.group(2));
    }

    /**
     * What became of the transfer, from the participants' own rows: committed when its log says DONE
     * and it has its debit, its credit and its consumed event; rolled back when the money is where it
     * was (no row, or a debit with its refund, or a cancelled freeze) and no event was consumed; mixed
     * otherwise, including a log still unfinished.
     */
    Outcome outcome(DatabaseProbe bankA, DatabaseProbe bankB) {
        if (isOrder(bankA)) {
            return orderOutcome(bankA, bankB);
        }
        if (isLike(bankA) || isLike(bankB)) {
            return likeOutcome(bankA, bankB);
        }
        String state = state(bankA);
        if (state == null) {
            state = state(bankB);
        }
        long debits = rows(bankA, bankB, "DEBIT");
        long credits = rows(bankA, bankB, "CREDIT");
        long refunds = rows(bankA, bankB, "REFUND");
        long consumed = bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE business_key = ? AND event_type = 'transfer'", gid);
        if ("DONE".equals(state) && debits == 1 && credits == 1 && refunds == 0 && consumed == 1) {
            return Outcome.COMMITTED;
        }
        boolean undone = state == null || state.equals("COMPENSATED") || state.equals("CANCELLED") || state.equals("REJECTED");
        if (undone && credits == 0 && debits == refunds && consumed == 0) {
            return Outcome.ROLLED_BACK;
        }
        return Outcome.MIXED;
    }

    /**
     * What became of an order (its log is always in bank A): committed when its log says DONE, its order
     * row exists and its event was consumed once; rolled back when it ended undone (or never logged) with
     * no order row and no event. Whether its stock was taken exactly when its order row exists is the
     * consistency checker's stock-conserved, which must pass too.
     */
    private Outcome orderOutcome(DatabaseProbe bankA, DatabaseProbe bankB) {
        String state = state(bankA);
        long orders = bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE id = ?", gid);
        long consumed = bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE business_key = ? AND event_type = 'order'", gid);
        if ("DONE".equals(state) && orders == 1 && consumed == 1) {
            return Outcome.COMMITTED;
        }
        boolean undone = state == null || state.equals("COMPENSATED") || state.equals("CANCELLED") || state.equals("REJECTED");
        return undone && orders == 0 && consumed == 0 ? Outcome.ROLLED_BACK : Outcome.MIXED;
    }

    /**
     * What became of a like (its log in bank A, or bank B for the outbox): committed when its log says
     * DONE, its like record exists and its event was consumed once; rolled back when it ended undone
     * with neither. That its count matches is the checker's likes-match, which must pass too.
     */
    private Outcome likeOutcome(DatabaseProbe bankA, DatabaseProbe bankB) {
        DatabaseProbe logBank = isLike(bankA) ? bankA : bankB;
        String state = state(logBank);
        String eventId = logBank.queryString("SELECT event_id FROM pattern_tx WHERE gid = '" + gid + "'");
        long records = bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE event_id = ?", eventId);
        long consumed = bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE event_id = ? AND event_type = 'like'", eventId);
        if ("DONE".equals(state) && records == 1 && consumed == 1) {
            return Outcome.COMMITTED;
        }
        boolean undone = state.equals("COMPENSATED") || state.equals("CANCELLED") || state.equals("REJECTED");
        return undone && records == 0 && consumed == 0 ? Outcome.ROLLED_BACK : Outcome.MIXED;
    }

    private boolean isLike(DatabaseProbe bank) {
        return bank.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE gid = ? AND flow = 'like'", gid) > 0;
    }

    private boolean isOrder(DatabaseProbe bankA) {
        return bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE gid = ? AND flow = 'order'", gid) > 0;
    }

    String describe(DatabaseProbe bankA, DatabaseProbe bankB) {
        if (isLike(bankA) || isLike(bankB)) {
            DatabaseProbe logBank = isLike(bankA) ? bankA : bankB;
            return "state=" + state(logBank) + " likeRecords=" + bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE event_id = ?",
                    logBank.queryString("SELECT event_id FROM pattern_tx WHERE gid = '" + gid + "'"));
        }
        if (isOrder(bankA)) {
            return "state=" + state(bankA) + " orderRows=" + bankB.queryLong("SELECT COUNT(*) FROM purchase_order WHERE id = ?", gid)
                    + " heldStock=" + bankA.queryLong("SELECT COALESCE(SUM(held_stock), 0) FROM product");
        }
        String state = state(bankA);
        return "state=" + (state != null ? state : state(bankB)) + " debit=" + rows(bankA, bankB, "DEBIT") + " credit="
                + rows(bankA, bankB, "CREDIT") + " refund=" + rows(bankA, bankB, "REFUND");
    }

    private String state(DatabaseProbe bank) {
        return bank.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE gid = ?", gid) == 0 ? null
                : bank.queryString("SELECT state FROM pattern_tx WHERE gid = '" + gid + "'");
    }

    private long rows(DatabaseProbe bankA, DatabaseProbe bankB, String direction) {
        String sql = "SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ? AND direction = ?";
        return bankA.queryLong(sql, gid, direction) + bankB.queryLong(sql, gid, direction);
    }
}
