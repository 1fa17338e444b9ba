package dev.twophase.demo.orders;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The product table in bank A (PostgreSQL in the real profile). Every method must run inside the
 * caller's JTA transaction.
 */
class ProductStock {

    private final JdbcTemplate jdbc;

    ProductStock(JdbcTemplate bankA) {
        this.jdbc = bankA;
    }

    /**
     * Stock and version of one product at one moment.
     *
     * @param held the part of the stock held by TCC orders' tries: in stock, but not for sale
     */
    record Level(int stock, int held, long version) {

        /** What an order can take now. */
        int available() {
            return stock - held;
        }
    }

    /** Reads and locks the product row until the transaction ends; empty for an unknown sku. */
    Optional<Level> lock(String sku) {
        return first(jdbc.query("SELECT stock, held_stock, version FROM product WHERE sku = ? FOR UPDATE",
                (rs, i) -> new Level(rs.getInt(1), rs.getInt(2), rs.getLong(3)), sku));
    }

    /** Reads the last committed stock and version without a lock; empty for an unknown sku. */
    Optional<Level> read(String sku) {
        return first(jdbc.query("SELECT stock, held_stock, version FROM product WHERE sku = ?",
                (rs, i) -> new Level(rs.getInt(1), rs.getInt(2), rs.getLong(3)), sku));
    }

    /** Takes the quantity from a row this transaction has locked. */
    void take(String sku, int quantity) {
        int rows = jdbc.update("UPDATE product SET stock = stock - ?, version = version + 1 WHERE sku = ?", quantity, sku);
        if (rows != 1) {
            throw new IllegalStateException("product " + sku + " vanished while locked (" + rows + " rows updated)");
        }
    }

    /**
     * Takes the quantity if the row still has the version read before.
     *
     * @return whether it did; {@code false} means another order changed the product in between
     */
    boolean takeIfUnchanged(String sku, int quantity, long version) {
        return jdbc.update("UPDATE product SET stock = stock - ?, version = version + 1 WHERE sku = ? AND version = ?",
                quantity, sku, version) == 1;
    }

    List<Product> all() {
        return jdbc.query("SELECT sku, name, stock, initial_stock, held_stock, version FROM product ORDER BY sku",
                (rs, i) -> new Product(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getLong(6)));
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
}
