package dev.twophase.demo.orders;

/**
 * How an order protects the product row against concurrent buyers. Both never oversell; they
 * differ in who waits and who retries.
 */
public enum OrderStrategy {

    /**
     * Locks the product row ({@code SELECT … FOR UPDATE}) before checking the stock: concurrent
     * buyers of one product queue on the lock and each runs once. Use it for contended products
     * (a sale, a limited edition).
     */
    PESSIMISTIC,

    /**
     * Reads stock and version without a lock and updates only if the version is unchanged; a
     * conflict rolls the whole transaction back and retries it. Use it when buyers of the same
     * product rarely collide: nobody waits on a lock, but a hot product costs retries.
     */
    OPTIMISTIC
}
