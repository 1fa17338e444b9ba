package dev.twophase.demo.transfer;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;

import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.transfer.TransferRejectedException.Reason;

/**
 * The transfer as a Saga, a TCC or through the outbox: picks the engine for the request's mode,
 * answers a repeated idempotency key with the first result, and finds a transfer by id in the logs.
 */
public class PatternTransfers {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PatternTransfers.class);

    /** The outcome of a request: the transfer as its log holds it, and whether it was a repeat. */
    public record Outcome(PatternTransfer transfer, boolean replayed) {
    }

    private final Map<PatternMode, TransferPattern> engines = new EnumMap<>(PatternMode.class);
    private final Map<Bank, PatternLog> logs;

    PatternTransfers(List<TransferPattern> engines, Map<Bank, PatternLog> logs) {
        engines.forEach(e -> this.engines.put(e.mode(), e));
        this.logs = logs;
    }

    /**
     * Runs the transfer in {@code mode} (not XA), or replays the first result of its idempotency key.
     *
     * @throws TransferRejectedException when refused; the message says what was undone
     */
    public Outcome transfer(TransferRequest request, PatternMode mode) {
        TransferService.validate(request);
        Optional<Outcome> earlier = replay(request, mode);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        TransferPattern engine = engine(mode);
        try {
            return new Outcome(PatternTransfer.of(engine.start(request)), false);
        } catch (DuplicateKeyException e) {
            if (PatternLog.isKeyCollision(e)) {
                // A concurrent request with the same key logged first.
                return replay(request, mode).orElseThrow(() -> new IllegalStateException("idempotency key " + request.idempotencyKey()
                        + " collided but no transfer log holds it", e));
            }
            return inProgress(request, e);
        } catch (TransferRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            return inProgress(request, e);
        }
    }

    /**
     * A step failed unexpectedly (a database or the broker lost, a pool exhausted). If the transfer was
     * logged, some of its local transactions may have committed, so "nothing changed" would be false:
     * the answer is the log as it stands (202), and the recovery timer finishes or undoes it. If it
     * was not logged, nothing ran, and the failure propagates as such.
     */
    private Outcome inProgress(TransferRequest request, RuntimeException failure) {
        Optional<PatternLog.Row> logged;
        try {
            logged = findByKey(request.idempotencyKey());
        } catch (RuntimeException unreadable) {
            failure.addSuppressed(unreadable);
            throw failure;
        }
        if (logged.isEmpty()) {
            throw failure;
        }
        if (logged.get().finished() && !TransferPattern.DONE.equals(logged.get().state())) {
            // Undone before the failure: answer as the undo says, not "on its way".
            throw TransferPattern.rejection(logged.get(), null);
        }
        log.warn("Transfer {} failed in state {} and is left to recovery: {}", logged.get().gid(), logged.get().state(), failure.toString());
        return new Outcome(PatternTransfer.of(logged.get()), false);
    }

    private Optional<PatternLog.Row> findByKey(String key) {
        for (PatternLog patternLog : logs.values()) {
            Optional<PatternLog.Row> row = patternLog.findByKey(key);
            if (row.isPresent()) {
                return row;
            }
        }
        return Optional.empty();
    }

    /** The transfer with this id, from whichever bank's log holds it. */
    public Optional<PatternTransfer> find(String id) {
        for (PatternLog log : logs.values()) {
            Optional<PatternLog.Row> row = log.find(id);
            if (row.isPresent()) {
                return row.map(PatternTransfer::of);
            }
        }
        return Optional.empty();
    }

    java.util.Collection<PatternLog> logs() {
        return logs.values();
    }

    TransferPattern engine(PatternMode mode) {
        TransferPattern engine = engines.get(mode);
        if (engine == null) {
            throw new IllegalArgumentException("no transfer engine for mode " + mode);
        }
        return engine;
    }

    private Optional<Outcome> replay(TransferRequest request, PatternMode mode) {
        logs.get(Bank.A).xaTransferWithKey(request.idempotencyKey()).ifPresent(id -> {
            throw new TransferRejectedException(Reason.IDEMPOTENCY_KEY_REUSED, "Idempotency key '" + request.idempotencyKey()
                    + "' was used for xa transfer " + id + "; use a new key for a new transfer.");
        });
        for (PatternLog log : logs.values()) {
            Optional<PatternLog.Row> found = log.findByKey(request.idempotencyKey());
            if (found.isPresent()) {
                PatternLog.Row row = found.get();
                if (!row.fingerprint().equals(request.fingerprint()) || row.mode() != mode) {
                    throw new TransferRejectedException(Reason.IDEMPOTENCY_KEY_REUSED, "Idempotency key '" + request.idempotencyKey()
                            + "' was used for " + row.mode().name().toLowerCase(java.util.Locale.ROOT) + " transfer " + row.gid()
                            + " with a different mode, accounts or amount; use a new key for a new transfer.");
                }
                if (row.finished() && !TransferPattern.DONE.equals(row.state())) {
                    throw TransferPattern.rejection(row, null);
                }
                return Optional.of(new Outcome(PatternTransfer.of(row), true));
            }
        }
        return Optional.empty();
    }
}
