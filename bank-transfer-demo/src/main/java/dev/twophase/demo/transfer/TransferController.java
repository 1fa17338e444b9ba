package dev.twophase.demo.transfer;

import java.net.URI;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.transfer.TransferRejectedException.Reason;
import dev.twophase.demo.web.NotFoundException;

/** {@code /api/transfers}: create a transfer, read one. */
@RestController
@RequestMapping("/api/transfers")
class TransferController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final TransferService transfers;

    TransferController(TransferService transfers) {
        this.transfers = transfers;
    }

    /**
     * 201 with the transfer for a new one; 200 with the first result and header
     * {@code Idempotent-Replayed: true} for a repeated idempotency key.
     */
    @PostMapping
    ResponseEntity<Transfer> create(@Valid @RequestBody TransferRequest request,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false) String headerKey) {
        TransferRequest keyed = withKey(request, headerKey);
        TransferService.Outcome outcome = transfers.transfer(keyed);
        if (outcome.replayed()) {
            return ResponseEntity.ok().header("Idempotent-Replayed", "true").body(outcome.transfer());
        }
        return ResponseEntity.created(URI.create("/api/transfers/" + outcome.transfer().id())).body(outcome.transfer());
    }

    @GetMapping("/{id}")
    Transfer get(@PathVariable String id) {
        return transfers.find(id).orElseThrow(() -> new NotFoundException("transfer", id));
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
