package dev.twophase.demo.transfer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.bank.BankLedger;
import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.transfer.TransferRejectedException.Reason;
import dev.twophase.demo.tx.FlowTransactions;

/**
 * Moves money between accounts of bank A and bank B: debit, credit, one ledger row on each side,
 * the registry row and the {@code transfers} event, all in one JTA transaction, so all of it
 * commits or none of it does.
 */
public class TransferService {

    private static final Logger log = LoggerFactory.getLogger(TransferService.class);

    private final Map<Bank, BankLedger> banks;
    private final TransferRegistry registry;
    private final TransferEvents events;
    private final FlowTransactions tx;

    TransferService(Map<Bank, BankLedger> banks, TransferRegistry registry, TransferEvents events, FlowTransactions tx) {
        this.banks = banks;
        this.registry = registry;
        this.events = events;
        this.tx = tx;
    }

    /** The outcome of a transfer request: the transfer, and whether it was replayed from an earlier request. */
    public record Outcome(Transfer transfer, boolean replayed) {
    }

    /**
     * Executes the transfer, or returns the earlier result for a repeated idempotency key.
     *
     * <p>Joins the caller's transaction when there is one (so a caller can add work to the same
     * global transaction); otherwise runs in its own.
     *
     * @throws TransferRejectedException when a business rule is broken; nothing was changed
     */
    public Outcome transfer(TransferRequest request) {
        validate(request);
        try {
            return tx.execute(status -> execute(request));
        } catch (DuplicateKeyException e) {
            // A concurrent request with the same key committed first: ours was rolled back whole.
            return tx.execute(status -> replay(request)
                    .orElseThrow(() -> new IllegalStateException("idempotency key " + request.idempotencyKey()
                            + " collided but no transfer holds it", e)));
        }
    }

    /**
     * Checks what every mode checks before doing anything: the idempotency key and two distinct accounts.
     *
     * @throws TransferRejectedException naming what is wrong
     */
    static void validate(TransferRequest request) {
        if (request.idempotencyKey() == null) {
            throw new TransferRejectedException(Reason.INVALID_IDEMPOTENCY_KEY,
                    "Send an idempotency key in the body (idempotencyKey) or in the Idempotency-Key header:"
                            + " 1 to 100 printable ASCII characters without spaces, e.g. order-7f3a.");
        }
        if (!request.idempotencyKey().matches(TransferRequest.KEY_PATTERN)) {
            throw new TransferRejectedException(Reason.INVALID_IDEMPOTENCY_KEY,
                    "idempotencyKey must be 1 to 100 printable ASCII characters without spaces, e.g. order-7f3a.");
        }
        if (request.from().equals(request.to())) {
            throw new TransferRejectedException(Reason.SAME_ACCOUNT,
                    "The source and target are the same account (" + request.from() + ").");
        }
    }

    /** The transfer with this id, if it committed. */
    public Optional<Transfer> find(String id) {
        return tx.execute(status -> registry.findById(id));
    }

    private Outcome execute(TransferRequest request) {
        // The registry row goes first and its unique key is the only idempotency check: a repeated
        // key fails here (a concurrent one after waiting for the first to commit) before touching
        // any account, and transfer() replays the first result in a new transaction.
        Transfer transfer = new Transfer(UUID.randomUUID().toString(), request.idempotencyKey(), request.from(), request.to(),
                request.amountCents(), Instant.now().truncatedTo(ChronoUnit.MICROS));
        registry.patternTransferWithKey(request.idempotencyKey()).ifPresent(gid -> {
            throw new TransferRejectedException(Reason.IDEMPOTENCY_KEY_REUSED, "Idempotency key '" + request.idempotencyKey()
                    + "' was used for transfer " + gid + " in another mode; use a new key for a new transfer.");
        });
        String eventId = EventPublisher.newEventId();
        registry.insert(transfer, request.fingerprint(), eventId);
        String id = transfer.id();
        List<AccountRef> order = List.of(request.from(), request.to()).stream().sorted(AccountRef.LOCK_ORDER).toList();
        for (AccountRef account : order) {
            if (account.equals(request.from())) {
                debit(id, request.from(), request.amountCents());
            } else {
                credit(id, request.to(), request.amountCents());
            }
        }
        events.publish(transfer, eventId);
        log.debug("Transfer {} of {} cents from {} to {} done, committing", id, request.amountCents(), request.from(), request.to());
        return new Outcome(transfer, false);
    }

    private void debit(String transferId, AccountRef account, long amount) {
        BankLedger bank = banks.get(account.bank());
        if (!bank.debit(account.account(), amount)) {
            if (!bank.exists(account.account())) {
                throw unknown(account);
            }
            throw new TransferRejectedException(Reason.INSUFFICIENT_FUNDS,
                    "Account " + account + " cannot cover " + amount + " cents.");
        }
        bank.addEntry(transferId, account.account(), "DEBIT", amount);
    }

    private void credit(String transferId, AccountRef account, long amount) {
        BankLedger bank = banks.get(account.bank());
        if (!bank.credit(account.account(), amount)) {
            throw unknown(account);
        }
        bank.addEntry(transferId, account.account(), "CREDIT", amount);
    }

    private static TransferRejectedException unknown(AccountRef account) {
        return new TransferRejectedException(Reason.UNKNOWN_ACCOUNT, "Bank " + account.bank() + " has no account "
                + account.account() + ".");
    }

    private Optional<Outcome> replay(TransferRequest request) {
        return registry.findByKey(request.idempotencyKey()).map(recorded -> {
            if (!recorded.fingerprint().equals(request.fingerprint())) {
                throw new TransferRejectedException(Reason.IDEMPOTENCY_KEY_REUSED, "Idempotency key '"
                        + request.idempotencyKey() + "' was used for transfer " + recorded.transfer().id()
                        + " with different accounts or amount; use a new key for a new transfer.");
            }
            return new Outcome(recorded.transfer(), true);
        });
    }
}
