package dev.twophase.demo.transfer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.patterns.BranchBarrier;
import dev.twophase.demo.patterns.BranchBarrier.Op;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;

/**
 * The transfer as Try-Confirm-Cancel over local transactions, orchestrated from its log in bank A:
 * <ol>
 * <li>{@code TRYING}: the log row; then the tries, each under the barrier: branch {@code from}
 * freezes the amount in the debited account (it stays in the balance, nobody can spend it), branch
 * {@code to} checks that the credited account exists;</li>
 * <li>{@code CONFIRMING} once both tries succeeded: branch {@code from} takes the frozen amount out of
 * the balance with its {@code DEBIT} row, branch {@code to} credits with its {@code CREDIT} row;</li>
 * <li>{@code DONE} with the {@code transfer} event in bank A's outbox, in one local transaction.</li>
 * </ol>
 * A refused try cancels: {@code CANCELLING}, each branch's cancel under the barrier (unfreeze; a
 * cancel of a try that never ran is a null cancel, and blocks that try should it arrive late), then
 * {@code CANCELLED}.
 *
 * <p>Recovery is TCC's presumed abort: a transfer left {@code TRYING} is cancelled (its tries may or
 * may not have run; the barrier makes both cases right); one left {@code CONFIRMING} is confirmed,
 * retried until it succeeds; one left {@code CANCELLING} is cancelled.
 */
final class TccTransfer extends TransferPattern {

    static final String TRYING = "TRYING";
    static final String CONFIRMING = "CONFIRMING";
    static final String CANCELLING = "CANCELLING";
    static final String CANCELLED = "CANCELLED";

    static final List<String> CRASH_POINTS = List.of("tcc.try-from.after-commit", "tcc.try-to.after-commit",
            "tcc.confirming.after-commit", "tcc.confirm-from.after-commit", "tcc.confirm-to.after-commit",
            "tcc.cancel-from.after-commit");

    TccTransfer(Map<Bank, LocalDatabase> banks, Map<Bank, PatternLog> logs, PatternFaults faults, ObjectMapper json, Duration timeout) {
        super(banks, logs, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.TCC;
    }

    @Override
    PatternLog.Row start(TransferRequest request) {
        PatternLog.Row row = logInBankA(newRow(request, TRYING, false));
        TransferRejectedException refused = null;
        try {
            row = tryBoth(row);
        } catch (TransferRejectedException e) {
            refused = e;
            row = move(row, CANCELLING, e.reason().slug(), false, false);
        }
        return finish(row, refused);
    }

    @Override
    PatternLog.Row drive(PatternLog.Row row) {
        // Recovery never tries again: whatever a crash left TRYING is cancelled.
        return finish(TRYING.equals(row.state()) ? move(row, CANCELLING, null, false, false) : row, null);
    }

    private PatternLog.Row finish(PatternLog.Row row, TransferRejectedException refused) {
        while (!row.finished()) {
            row = switch (row.state()) {
                case TRYING -> move(row, CANCELLING, null, false, false);
                case CONFIRMING -> confirm(row);
                case CANCELLING -> cancel(row);
                default -> throw new IllegalStateException("TCC transfer " + row.gid() + " is in unknown state " + row.state());
            };
        }
        logOutcome(row);
        if (!DONE.equals(row.state())) {
            throw rejection(row, refused);
        }
        return row;
    }

    private PatternLog.Row tryBoth(PatternLog.Row row) {
        BranchBarrier.Result<Object> from = db(row.from().bank()).step(row.gid(), "from", Op.TRY, jdbc -> {
            var ledger = ledger(row.from().bank());
            if (!ledger.freeze(row.from().account(), row.amountCents())) {
                throw ledger.exists(row.from().account()) ? insufficient(row.from(), row.amountCents()) : unknown(row.from());
            }
            return null;
        });
        faults.reach("tcc.try-from.after-commit", row.gid());
        BranchBarrier.Result<Object> to = db(row.to().bank()).step(row.gid(), "to", Op.TRY, jdbc -> {
            if (!ledger(row.to().bank()).exists(row.to().account())) {
                throw unknown(row.to());
            }
            return null;
        });
        faults.reach("tcc.try-to.after-commit", row.gid());
        if (from.outcome() == BranchBarrier.Outcome.HANGING || to.outcome() == BranchBarrier.Outcome.HANGING) {
            // Cancelled meanwhile (recovery found it stale): the tries are blocked; follow the cancel.
            return reread(row);
        }
        PatternLog.Row confirming = move(row, CONFIRMING, null, true, false);
        faults.reach("tcc.confirming.after-commit", row.gid());
        return confirming;
    }

    private PatternLog.Row confirm(PatternLog.Row row) {
        db(row.from().bank()).step(row.gid(), "from", Op.CONFIRM, jdbc -> {
            var ledger = ledger(row.from().bank());
            if (!ledger.debitFrozen(row.from().account(), row.amountCents())) {
                throw new IllegalStateException("the frozen amount of transfer " + row.gid() + " is gone from " + row.from());
            }
            ledger.addEntry(row.gid(), row.from().account(), "DEBIT", row.amountCents());
            return null;
        });
        faults.reach("tcc.confirm-from.after-commit", row.gid());
        db(row.to().bank()).step(row.gid(), "to", Op.CONFIRM, jdbc -> {
            creditOrReject(row.to().bank(), row.to(), row.amountCents(), row.gid());
            return null;
        });
        faults.reach("tcc.confirm-to.after-commit", row.gid());
        return finish(row, CONFIRMING, null);
    }

    private PatternLog.Row cancel(PatternLog.Row row) {
        db(row.from().bank()).step(row.gid(), "from", Op.CANCEL, jdbc -> {
            if (!ledger(row.from().bank()).unfreeze(row.from().account(), row.amountCents())) {
                throw new IllegalStateException("the frozen amount of transfer " + row.gid() + " is gone from " + row.from());
            }
            return null;
        });
        faults.reach("tcc.cancel-from.after-commit", row.gid());
        db(row.to().bank()).step(row.gid(), "to", Op.CANCEL, jdbc -> null);
        return move(row, CANCELLED, null, false, true);
    }
}
