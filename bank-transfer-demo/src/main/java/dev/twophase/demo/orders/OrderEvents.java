package dev.twophase.demo.orders;

import dev.twophase.demo.events.EventPublisher;

/**
 * The {@code order} event (schema {@value #SCHEMA}) on queue {@code orders}: envelope plus
 * {@code orderId}, {@code sku}, {@code quantity}, {@code userId}, {@code strategy}, {@code stockAfter}.
 */
class OrderEvents {

    static final String SCHEMA = "twophase.order.v1";
    static final String TYPE = "order";

    private final EventPublisher publisher;

    OrderEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes the event of this order in the current transaction. */
    void publish(String orderId, String eventId, OrderRequest request, int stockAfter) {
        publisher.publish(EventPublisher.ORDERS, TYPE, SCHEMA, orderId, eventId, body -> {
            body.put("orderId", orderId);
            body.put("sku", request.sku());
            body.put("quantity", request.quantity());
            body.put("userId", request.userId());
            body.put("strategy", request.strategy().name());
            body.put("stockAfter", stockAfter);
        });
    }
}
