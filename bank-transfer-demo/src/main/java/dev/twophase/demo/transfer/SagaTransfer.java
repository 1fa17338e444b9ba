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
 * The transfer as a Saga of local transactions, orchestrated from its log in bank A:
 * <ol>
 * <li>{@code STARTED}: the log row, in its own local transaction in bank A;</li>
 * <li>debit: the debit and its ledger row in the debited bank, under the barrier (branch {@code debit}),
 * then {@code DEBITED};</li>
 * <li>credit: the credit and its ledger row in the credited bank (branch {@code credit}), then {@code DONE}
 * with the {@code transfer} event in bank A's outbox, in one local transaction.</li>
 * </ol>
 * A refused credit (the target account does not exist) compensates the debit: {@code COMPENSATING},
 * a refund and its {@code REFUND} ledger row under the barrier (branch {@code debit}, operation
 * compensate), then {@code COMPENSATED}. A refused debit ends {@code REJECTED}: nothing ran.
 *
 * <p>Recovery: a transfer left {@code STARTED} goes forward while its timeout has not passed and is
 * compensated after (the barrier's null compensation stops a debit that arrives later). A refused debit
 * is compensated too, in case a concurrent driver's debit got through; it ends {@code REJECTED} when the
 * compensation finds nothing debited. One left
 * {@code DEBITED} only goes forward: the credit either ran or will, and compensating the debit then
 * could pay the money twice. One left {@code COMPENSATING} finishes its compensation.
 */
final class SagaTransfer extends TransferPattern {

    static final String STARTED = "STARTED";
    static final String DEBITED = "DEBITED";
    static final String COMPENSATING = "COMPENSATING";
    static final String COMPENSATED = "COMPENSATED";

    static final List<String> CRASH_POINTS = List.of("saga.debit.before-commit", "saga.debit.after-commit",
            "saga.credit.before-commit", "saga.credit.after-commit", "saga.finish.before-commit",
            "saga.compensate.before-commit", "saga.compensate.after-commit");

    SagaTransfer(Map<Bank, LocalDatabase> banks, Map<Bank, PatternLog> logs, PatternFaults faults, ObjectMapper json, Duration timeout) {
        super(banks, logs, faults, json, timeout);
    }

    @Override
    PatternMode mode() {
        return PatternMode.SAGA;
    }

    @Override
    PatternLog.Row start(TransferRequest request) {
        return drive(logInBankA(newRow(request, STARTED, false)));
    }

    @Override
    PatternLog.Row drive(PatternLog.Row row) {
        TransferRejectedException refused = null;
        while (!row.finished()) {
            row = switch (row.state()) {
                case STARTED -> {
                    if (now() > row.deadlineMs()) {
                        yield move(row, COMPENSATING, null, false, false);
                    }
                    try {
                        yield debit(row);
                    } catch (TransferRejectedException e) {
                        refused = e;
                        yield reread(row);
                    }
                }
                case DEBITED -> {
                    try {
                        yield credit(row);
                    } catch (TransferRejectedException e) {
                        refused = e;
                        yield move(row, COMPENSATING, e.reason().slug(), false, false);
                    }
                }
                case COMPENSATING -> compensate(row);
                default -> throw new IllegalStateException("saga transfer " + row.gid() + " is in unknown state " + row.state());
            };
        }
        logOutcome(row);
        if (!DONE.equals(row.state())) {
            throw rejection(row, refused);
        }
        return row;
    }

    private PatternLog.Row debit(PatternLog.Row row) {
        BranchBarrier.Result<Object> result;
        try {
            result = db(row.from().bank()).step(row.gid(), "debit", Op.ACTION, jdbc -> {
                debitOrReject(row.from().bank(), row.from(), row.amountCents(), row.gid());
                faults.reach("saga.debit.before-commit", row.gid());
                return null;
            });
        } catch (TransferRejectedException e) {
            // Our debit rolled back, but a concurrent driver of the same transfer (the recovery timer while this
            // thread waited on a lock) may still debit: compensate under the barrier, whose null compensation
            // fences that debit out or refunds it. compensate() records REJECTED when nothing had been debited.
            move(row, COMPENSATING, e.reason().slug(), false, false);
            throw e;
        }
        faults.reach("saga.debit.after-commit", row.gid());
        if (result.outcome() == BranchBarrier.Outcome.HANGING) {
            // The compensation ran first (timeout): the debit is blocked, follow the compensation.
            return move(row, COMPENSATING, null, false, false);
        }
        return move(row, DEBITED, null, true, false);
    }

    private PatternLog.Row credit(PatternLog.Row row) {
        db(row.to().bank()).step(row.gid(), "credit", Op.ACTION, jdbc -> {
            creditOrReject(row.to().bank(), row.to(), row.amountCents(), row.gid());
            faults.reach("saga.credit.before-commit", row.gid());
            return null;
        });
        faults.reach("saga.credit.after-commit", row.gid());
        return finish(row, DEBITED, "saga.finish.before-commit");
    }

    private PatternLog.Row compensate(PatternLog.Row row) {
        BranchBarrier.Result<Object> result = db(row.from().bank()).step(row.gid(), "debit", Op.COMPENSATE, jdbc -> {
            var ledger = ledger(row.from().bank());
            if (!ledger.credit(row.from().account(), row.amountCents())) {
                throw new IllegalStateException("account " + row.from() + " vanished while compensating transfer " + row.gid());
            }
            ledger.addEntry(row.gid(), row.from().account(), "REFUND", row.amountCents());
            faults.reach("saga.compensate.before-commit", row.gid());
            return null;
        });
        faults.reach("saga.compensate.after-commit", row.gid());
        // A refused debit that never ran (null compensation) changed nothing: REJECTED, not COMPENSATED.
        boolean nothingDebited = result.outcome() == BranchBarrier.Outcome.NULL_COMPENSATION
                || result.outcome() == BranchBarrier.Outcome.DUPLICATE && !hasLedgerRow(row.from().bank(), row.gid(), "DEBIT");
        return move(row, nothingDebited && row.failure() != null ? REJECTED : COMPENSATED, null, false, true);

    }
}
