package dev.twophase.demo.orders;

import java.time.Instant;

/**
 * A committed order, as bank B's {@code purchase_order} table holds it.
 *
 * @param id server-assigned id (a UUID)
 * @param sku the product bought
 * @param quantity items bought
 * @param userId the buyer
 * @param strategy the strategy the order ran under
 * @param eventId id of the {@code order} event its transaction published
 * @param createdAt when it was committed (database time of the order row)
 */
public record Order(String id, String sku, int quantity, String userId, OrderStrategy strategy, String eventId,
        Instant createdAt) {
}
