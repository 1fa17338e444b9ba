package dev.twophase.demo.transfer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.bank.BankLedger;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.patterns.LocalDatabase;
import dev.twophase.demo.patterns.Outbox;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.transfer.TransferRejectedException.Reason;

/**
 * What the Saga, TCC and outbox transfers share: the two banks as plain local databases, the log,
 * the crash points, the transfer event, and the loop that follows a transfer's log from whatever
 * state it is in (a new request, or what a crash left) to a final state.
 */
abstract class TransferPattern {

    private static final Logger log = LoggerFactory.getLogger(TransferPattern.class);

    /** The final states. */
    static final String DONE = "DONE";
    static final String REJECTED = "REJECTED";

    final Map<Bank, LocalDatabase> banks;
    final Map<Bank, PatternLog> logs;
    final PatternFaults faults;
    final ObjectMapper json;
    final Duration timeout;

    TransferPattern(Map<Bank, LocalDatabase> banks, Map<Bank, PatternLog> logs, PatternFaults faults, ObjectMapper json,
            Duration timeout) {
        this.banks = banks;
        this.logs = logs;
        this.faults = faults;
        this.json = json;
        this.timeout = timeout;
    }

    abstract PatternMode mode();

    /** The bank whose {@code pattern_tx} holds this mode's log for a request. */
    Bank logBank(AccountRef from) {
        return Bank.A;
    }

    /**
     * Starts a new transfer and drives it as far as it goes now.
     *
     * @throws TransferRejectedException when a step was refused; the log row says what was undone
     */
    abstract PatternLog.Row start(TransferRequest request);

    /**
     * Drives a transfer from the state in its log to a final state (or, for the outbox, as far as
     * this side can). Safe to call from several threads or instances at once: each step runs under
     * the branch barrier, each change of state is a compare-and-set.
     *
     * @return the row as it ended
     * @throws TransferRejectedException when a step was refused on this call
     */
    abstract PatternLog.Row drive(PatternLog.Row row);

    PatternLog log(PatternLog.Row row) {
        return logs.get(logBank(row.from()));
    }

    PatternLog.Row newRow(TransferRequest request, String state, boolean exposed) {
        long now = now();
        return new PatternLog.Row(UUID.randomUUID().toString(), mode(), state, request.idempotencyKey(), request.fingerprint(),
                request.from(), request.to(), request.amountCents(), EventPublisher.newEventId(), null, 0, now, now,
                now + timeout.toMillis(), exposed ? now : null, null);
    }

    /** Writes a new transfer's log row in bank A, in its own local transaction (Saga and TCC). */
    PatternLog.Row logInBankA(PatternLog.Row row) {
        db(Bank.A).inTransaction(jdbc -> {
            logs.get(Bank.A).insert(row);
            return null;
        });
        return row;
    }

    /**
     * The last step of a Saga or TCC: {@code from} → {@code DONE} and the {@code transfer} event in bank
     * A's outbox, in one local transaction; the event only if this call made the transition.
     *
     * @param beforeCommit a crash point reached inside the transaction, or {@code null}
     */
    PatternLog.Row finish(PatternLog.Row row, String from, String beforeCommit) {
        db(Bank.A).inTransaction(jdbc -> {
            if (logs.get(Bank.A).transition(row.gid(), from, DONE, null, true, true, now())) {
                addTransferEvent(Bank.A, row);
            }
            if (beforeCommit != null) {
                faults.reach(beforeCommit, row.gid());
            }
            return null;
        });
        return reread(row);
    }

    /** Whether the transfer has a ledger row in this direction in {@code bank}. */
    boolean hasLedgerRow(Bank bank, String gid, String direction) {
        Integer n = db(bank).jdbc().queryForObject(
                "SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ? AND direction = ?", Integer.class, gid, direction);
        return n != null && n > 0;
    }

    /** The row as the log holds it now. */
    PatternLog.Row reread(PatternLog.Row row) {
        return log(row).find(row.gid()).orElseThrow(() -> new IllegalStateException("transfer " + row.gid() + " left its log"));
    }

    /**
     * Makes a transition; when another thread made one first, returns the row as it is now, so the
     * caller's loop follows that instead.
     */
    PatternLog.Row move(PatternLog.Row row, String next, String failure, boolean exposed, boolean finished) {
        log(row).transition(row.gid(), row.state(), next, failure, exposed, finished, now());
        return reread(row);
    }

    BankLedger ledger(Bank bank) {
        return new BankLedger(bank, banks.get(bank).jdbc());
    }

    LocalDatabase db(Bank bank) {
        return banks.get(bank);
    }

    /** Adds the {@code transfer} event (schema twophase.transfer.v1, as the XA flow's) to {@code bank}'s outbox. */
    void addTransferEvent(Bank bank, PatternLog.Row r) {
        ObjectNode body = json.createObjectNode()
                .put("schema", TransferEvents.SCHEMA)
                .put("eventId", r.eventId())
                .put("eventType", "transfer")
                .put("businessKey", r.gid())
                .put("occurredAt", Instant.now().toString())
                .put("mode", r.mode().name())
                .put("transferId", r.gid());
        body.putObject("from").put("bank", r.from().bank().name()).put("account", r.from().account());
        body.putObject("to").put("bank", r.to().bank().name()).put("account", r.to().account());
        body.put("amountCents", r.amountCents());
        db(bank).addToOutbox(new Outbox.Event(r.eventId(), EventPublisher.TRANSFERS, "transfer", r.gid(), write(body)));
    }

    String write(ObjectNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an event", e);
        }
    }

    void debitOrReject(Bank bank, AccountRef account, long amount, String transferId) {
        BankLedger ledger = ledger(bank);
        if (!ledger.debit(account.account(), amount)) {
            throw ledger.exists(account.account()) ? insufficient(account, amount) : unknown(account);
        }
        ledger.addEntry(transferId, account.account(), "DEBIT", amount);
    }

    void creditOrReject(Bank bank, AccountRef account, long amount, String transferId) {
        BankLedger ledger = ledger(bank);
        if (!ledger.credit(account.account(), amount)) {
            throw unknown(account);
        }
        ledger.addEntry(transferId, account.account(), "CREDIT", amount);
    }

    static TransferRejectedException unknown(AccountRef account) {
        return new TransferRejectedException(Reason.UNKNOWN_ACCOUNT, "Bank " + account.bank() + " has no account " + account.account() + ".");
    }

    static TransferRejectedException insufficient(AccountRef account, long amount) {
        return new TransferRejectedException(Reason.INSUFFICIENT_FUNDS, "Account " + account + " cannot cover " + amount + " cents.");
    }

    /**
     * The rejection a finished row records, for the request that drove it there or a replay of it.
     *
     * @param refused the rejection this call met, naming the account, or {@code null}
     */
    static TransferRejectedException rejection(PatternLog.Row r, TransferRejectedException refused) {
        String what = switch (r.state()) {
            case "COMPENSATED" -> " Any debit was compensated: the money is back.";
            case "CANCELLED" -> " Any reservation was cancelled: nothing was spent.";
            default -> " Nothing was changed.";
        };
        if (refused != null && refused.reason().slug().equals(r.failure())) {
            return new TransferRejectedException(refused.reason(), refused.getMessage() + what);
        }
        if (Reason.INSUFFICIENT_FUNDS.slug().equals(r.failure())) {
            return new TransferRejectedException(Reason.INSUFFICIENT_FUNDS, "Account " + r.from() + " cannot cover " + r.amountCents()
                    + " cents." + what);
        }
        if (Reason.UNKNOWN_ACCOUNT.slug().equals(r.failure())) {
            return new TransferRejectedException(Reason.UNKNOWN_ACCOUNT, "Account " + r.from() + " or " + r.to() + " does not exist." + what);
        }
        return new TransferRejectedException(Reason.TIMED_OUT, "Transfer " + r.gid() + " did not finish within the " + r.mode()
                + " timeout, or stalled until recovery took it, and was undone." + what);
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static void logOutcome(PatternLog.Row r) {
        log.debug("{} transfer {} is {}", r.mode(), r.gid(), r.state());
    }
}
