package dev.twophase.demo.orders;

/**
 * A product of bank A's catalogue. Invariant: {@code stock} plus the quantity of its committed
 * orders equals {@code initialStock}.
 *
 * @param sku the product's key
 * @param name display name
 * @param stock items left (never below 0)
 * @param initialStock items it started with
 * @param heldStock items of {@code stock} held by TCC orders' tries: not for sale until confirmed or cancelled
 * @param version incremented by every order (and every Saga, TCC or outbox step on the stock), for the optimistic strategy
 */
public record Product(String sku, String name, int stock, int initialStock, int heldStock, long version) {
}
