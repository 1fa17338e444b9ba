package dev.twophase.demo.transfer;

import dev.twophase.demo.events.EventPublisher;

/**
 * The {@code transfer} event (schema {@value #SCHEMA}) on queue {@code transfers}: envelope plus
 * {@code transferId}, {@code from {bank, account}}, {@code to {bank, account}}, {@code amountCents}.
 */
class TransferEvents {

    static final String SCHEMA = "twophase.transfer.v1";

    private final EventPublisher publisher;

    TransferEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes the event in the current transaction, with the id the registry row holds. */
    void publish(Transfer transfer, String eventId) {
        publisher.publish(EventPublisher.TRANSFERS, "transfer", SCHEMA, transfer.id(), eventId, body -> {
            body.put("transferId", transfer.id());
            body.putObject("from").put("bank", transfer.from().bank().name()).put("account", transfer.from().account());
            body.putObject("to").put("bank", transfer.to().bank().name()).put("account", transfer.to().account());
            body.put("amountCents", transfer.amountCents());
        });
    }
}
