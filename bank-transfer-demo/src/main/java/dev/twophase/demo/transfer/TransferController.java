package dev.twophase.demo.transfer;

import java.net.URI;
import java.util.Optional;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.transfer.TransferRejectedException.Reason;
import dev.twophase.demo.web.NotFoundException;

/** {@code /api/transfers}: create a transfer, read one. */
@RestController
@RequestMapping("/api/transfers")
class TransferController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final TransferService transfers;
    private final PatternTransfers patterns;

    TransferController(TransferService transfers, PatternTransfers patterns) {
        this.transfers = transfers;
        this.patterns = patterns;
    }

    /**
     * 201 with the transfer for a new one; 200 with the first result and header
     * {@code Idempotent-Replayed: true} for a repeated idempotency key. With {@code mode} saga, tcc
     * or outbox, the body is the transfer's log ({@link PatternTransfer}); an outbox transfer, whose
     * credit is still on its way when the request is answered, gets 202.
     */
    @PostMapping
    ResponseEntity<?> create(@Valid @RequestBody TransferRequest request,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String headerKey) {
        TransferRequest keyed = withKey(request, headerKey);
        PatternMode mode = mode(keyed.mode());
        if (mode != PatternMode.XA) {
            PatternTransfers.Outcome outcome = patterns.transfer(keyed, mode);
            PatternTransfer t = outcome.transfer();
            if (outcome.replayed()) {
                return ResponseEntity.ok().header("Idempotent-Replayed", "true").body(t);
            }
            URI location = URI.create("/api/transfers/" + t.id());
            return "DONE".equals(t.state()) ? ResponseEntity.created(location).body(t) : ResponseEntity.accepted().location(location).body(t);
        }
        TransferService.Outcome outcome = transfers.transfer(keyed);
        if (outcome.replayed()) {
            return ResponseEntity.ok().header("Idempotent-Replayed", "true").body(outcome.transfer());
        }
        return ResponseEntity.created(URI.create("/api/transfers/" + outcome.transfer().id())).body(outcome.transfer());
    }

    /** An XA transfer, or the log of a Saga, TCC or outbox one. */
    @GetMapping("/{id}")
    Object get(@PathVariable String id) {
        Optional<Transfer> xa = transfers.find(id);
        if (xa.isPresent()) {
            return xa.get();
        }
        return patterns.find(id).orElseThrow(() -> new NotFoundException("transfer", id));
    }

    private static PatternMode mode(String text) {
        return PatternMode.ofRequest(text, detail -> new TransferRejectedException(Reason.INVALID_MODE, detail));
    }

    private static TransferRequest withKey(TransferRequest request, String headerKey) {
        if (headerKey == null) {
            return request;
        }
        if (!headerKey.matches(TransferRequest.KEY_PATTERN)) {
            throw new TransferRejectedException(Reason.INVALID_IDEMPOTENCY_KEY,
                    "The Idempotency-Key header must be 1 to 100 printable ASCII characters without spaces, e.g. order-7f3a.");
        }
        if (request.idempotencyKey() != null && !request.idempotencyKey().equals(headerKey)) {
            throw new TransferRejectedException(Reason.INVALID_IDEMPOTENCY_KEY,
                    "The Idempotency-Key header and the idempotencyKey field differ; send one key.");
        }
        return request.withIdempotencyKey(headerKey);
    }
}
