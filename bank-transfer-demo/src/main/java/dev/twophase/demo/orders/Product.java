package dev.twophase.demo.orders;

/**
 * A product of bank A's catalogue. Invariant: {@code stock} plus the quantity of its committed
 * orders equals {@code initialStock}.
 *
 * @param sku the product's key
 * @param name display name
 * @param stock items left (never below 0)
 * @param initialStock items it started with
 * @param version incremented by every order, for the optimistic strategy
 */
public record Product(String sku, String name, int stock, int initialStock, long version) {
}
