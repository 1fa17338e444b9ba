package dev.twophase.samples.orders;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places an order: one JTA transaction over both databases and the broker. */
@Service
public class OrderService {

    /** The queue that hears of every placed order. */
    public static final String ORDERS_PLACED = "orders.placed";

    private final JdbcTemplate orders;
    private final JdbcTemplate billing;
    private final JmsTemplate events;

    public OrderService(@Qualifier("orders") JdbcTemplate orders, @Qualifier("billing") JdbcTemplate billing,
            @Qualifier("events") JmsTemplate events) {
        this.orders = orders;
        this.billing = billing;
        this.events = events;
    }

    /**
     * Inserts the order in {@code orders}, its charge in {@code billing} and sends {@code order <id>} to
     * {@value #ORDERS_PLACED}: all three happen, or none does.
     *
     * @param failAfterWrites throw after all three writes, to show that they roll back together
     * @throws OrderRejected when {@code failAfterWrites} is set
     */
    @Transactional
    public void placeOrder(String id, String customer, long amountCents, boolean failAfterWrites) {
        orders.update("INSERT INTO orders (id, customer, amount_cents) VALUES (?, ?, ?)", id, customer, amountCents);
        billing.update("INSERT INTO charges (order_id, customer, amount_cents) VALUES (?, ?, ?)", id, customer, amountCents);
        events.convertAndSend(ORDERS_PLACED, "order " + id);
        if (failAfterWrites) {
            throw new OrderRejected("order " + id + " was rejected after its writes, as asked");
        }
    }

    /** A business failure: the transaction rolls back. */
    public static class OrderRejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public OrderRejected(String message) {
            super(message);
        }
    }
}
