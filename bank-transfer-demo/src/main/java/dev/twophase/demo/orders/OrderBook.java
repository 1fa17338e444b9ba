package dev.twophase.demo.orders;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The purchase_order table in bank B (MySQL in the real profile): one row per committed order,
 * with the id of the event its transaction published. Every method must run inside the caller's
 * JTA transaction.
 */
class OrderBook {

    private final JdbcTemplate jdbc;

    OrderBook(JdbcTemplate bankB) {
        this.jdbc = bankB;
    }

    void insert(String id, OrderRequest request, String eventId) {
        jdbc.update("INSERT INTO purchase_order (id, sku, quantity, user_id, strategy, event_id) VALUES (?, ?, ?, ?, ?, ?)",
                id, request.sku(), request.quantity(), request.userId(), request.strategy().name(), eventId);
    }

    Optional<Order> findById(String id) {
        List<Order> rows = jdbc.query("SELECT id, sku, quantity, user_id, strategy, event_id, created_at FROM purchase_order WHERE id = ?",
                (rs, i) -> new Order(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        OrderStrategy.valueOf(rs.getString(5).trim()), rs.getString(6), rs.getTimestamp(7).toInstant()),
                id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
}
