package dev.twophase.demo.orders;

/**
 * The answer to a successful {@code POST /api/orders}.
 *
 * @param id the new order's id
 * @param sku the product bought
 * @param quantity items bought
 * @param userId the buyer
 * @param strategy the strategy the order ran under
 * @param stockAfter the product's stock right after this order, in the same transaction
 * @param attempts transactions it took: 1, more after optimistic conflicts or lock failures
 */
public record OrderPlaced(String id, String sku, int quantity, String userId, OrderStrategy strategy, int stockAfter,
        int attempts) {
}
