package dev.twophase.demo.orders;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.twophase.demo.events.EventPublisher;
import dev.twophase.demo.orders.OrderRejectedException.Reason;
import dev.twophase.demo.tx.DeadlockRetry;
import dev.twophase.demo.tx.FlowTransactions;
import io.micrometer.core.instrument.Counter;

/**
 * Places orders: takes the stock from the product row in bank A, writes the order row in bank B
 * and publishes the {@code order} event, all in one JTA transaction, so all of it commits or none
 * of it does.
 *
 * <p>Locks are always taken in the same order: the product row in bank A first, then the insert
 * in bank B. A transaction holding a lock in bank B therefore never waits for bank A, and the two
 * databases cannot deadlock each other through this flow.
 *
 * <p>Retries run the whole transaction again, in a new transaction: an optimistic version
 * conflict up to {@link OrderProperties#optimisticMaxAttempts()} attempts with jittered
 * exponential backoff; a database deadlock or lock failure ({@link PessimisticLockingFailureException})
 * as {@link DeadlockRetry} allows, for each attempt, before it propagates.
 */
public class OrderService {

    /** Upper bound of one optimistic backoff (unless the configured base is larger). */
    static final Duration MAX_BACKOFF = Duration.ofMillis(100);

    private static final Logger log = LoggerFactory.getLogger(OrderService.class);

    private final ProductStock products;
    private final OrderBook orders;
    private final OrderEvents events;
    /** What the order's work throws on purpose: rejections, and the version conflict that {@link #order} retries. */
    static final List<Class<? extends RuntimeException>> EXPECTED = List.of(OrderRejectedException.class, VersionConflict.class);

    private final FlowTransactions tx;
    private final OrderProperties properties;
    private final Counter optimisticRetries;
    private final DeadlockRetry lockRetry;

    OrderService(ProductStock products, OrderBook orders, OrderEvents events, FlowTransactions tx,
            OrderProperties properties, Counter optimisticRetries, DeadlockRetry lockRetry) {
        this.products = products;
        this.orders = orders;
        this.events = events;
        this.tx = tx;
        this.properties = properties;
        this.optimisticRetries = optimisticRetries;
        this.lockRetry = lockRetry;
    }

    /**
     * Places the order.
     *
     * <p>Joins the caller's transaction when there is one (so a caller can add work to the same
     * global transaction); it then runs exactly once, because a retry needs a new transaction:
     * an optimistic conflict is refused at once with {@code concurrent-modification}, and a lock
     * failure propagates. Without a caller's transaction it runs in its own and retries as
     * described on the class.
     *
     * @throws OrderRejectedException for an unknown product, too little stock, or optimistic
     *         conflicts on every attempt; nothing was changed or published
     * @throws PessimisticLockingFailureException when a deadlock or lock failure outlasted the retries
     */
    public OrderPlaced order(OrderRequest request) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            try {
                return tx.execute(status -> attempt(request, 1));
            } catch (VersionConflict e) {
                throw concurrentModification(request, 1);
            }
        }
        int attempts = 0;
        int conflicts = 0;
        while (true) {
            int attempt = ++attempts;
            try {
                return lockRetry.run("Order of " + request.quantity() + " x " + request.sku(),
                        () -> tx.execute(status -> attempt(request, attempt)));
            } catch (VersionConflict e) {
                conflicts++;
                if (conflicts >= properties.optimisticMaxAttempts()) {
                    throw concurrentModification(request, attempts);
                }
                optimisticRetries.increment();
                log.debug("Order of {} x {}: version {} changed under attempt {}, retrying in a new transaction",
                        request.quantity(), request.sku(), e.version, attempt);
                pause(backoff(conflicts));
            }
        }
    }

    /** The order with this id, if it committed. */
    public Optional<Order> find(String id) {
        return tx.execute(status -> orders.findById(id));
    }

    /** Every product with its current stock, by sku. */
    public List<Product> products() {
        return tx.execute(status -> products.all());
    }

    private OrderPlaced attempt(OrderRequest request, int attempt) {
        String sku = request.sku();
        int quantity = request.quantity();
        ProductStock.Level level;
        if (request.strategy() == OrderStrategy.PESSIMISTIC) {
            level = products.lock(sku).orElseThrow(() -> unknownProduct(sku));
            checkStock(sku, level, quantity);
            products.take(sku, quantity);
        } else {
            level = products.read(sku).orElseThrow(() -> unknownProduct(sku));
            checkStock(sku, level, quantity);
            if (!products.takeIfUnchanged(sku, quantity, level.version())) {
                throw new VersionConflict(level.version());
            }
        }
        int stockAfter = level.stock() - quantity;
        String id = UUID.randomUUID().toString();
        String eventId = EventPublisher.newEventId();
        orders.insert(id, request, eventId);
        events.publish(id, eventId, request, stockAfter);
        log.debug("Order {}: {} x {} for {} ({}, attempt {}), stock after {}, committing", id, quantity, sku,
                request.userId(), request.strategy(), attempt, stockAfter);
        return new OrderPlaced(id, sku, quantity, request.userId(), request.strategy(), stockAfter, attempt);
    }

    private static void checkStock(String sku, ProductStock.Level level, int quantity) {
        if (level.available() < quantity) {
            throw new OrderRejectedException(Reason.OUT_OF_STOCK,
                    "Product " + sku + " has " + level.available() + " left; the order asked for " + quantity + ".");
        }
    }

    private static OrderRejectedException unknownProduct(String sku) {
        return new OrderRejectedException(Reason.UNKNOWN_PRODUCT, "There is no product with sku '" + sku + "'.");
    }

    private OrderRejectedException concurrentModification(OrderRequest request, int attempts) {
        return new OrderRejectedException(Reason.CONCURRENT_MODIFICATION, "Product " + request.sku()
                + " changed during each of its " + attempts + " optimistic attempts (twophase.orders.optimistic-max-attempts="
                + properties.optimisticMaxAttempts() + "); nothing was ordered. Retry, or order with strategy PESSIMISTIC.");
    }

    /** Full jitter: a random wait up to base × 2^(n-1), capped, so colliding buyers spread out. */
    private Duration backoff(int conflicts) {
        long base = properties.optimisticBackoff().toNanos();
        long cap = Math.max(base, MAX_BACKOFF.toNanos());
        long ceiling = Math.min(cap, base << Math.min(conflicts - 1, 20));
        return ceiling <= 0 ? Duration.ZERO : Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry an order", e);
        }
    }

    /** The product's version changed between the read and the update; rolls the attempt back. */
    private static final class VersionConflict extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final long version;

        VersionConflict(long version) {
            // Expected control flow: no stack trace.
            super("version " + version + " changed", null, false, false);
            this.version = version;
        }
    }
}
