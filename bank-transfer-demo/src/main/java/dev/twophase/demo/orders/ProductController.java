package dev.twophase.demo.orders;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/products}: the catalogue with current stock. */
@RestController
class ProductController {

    private final OrderService orders;

    ProductController(OrderService orders) {
        this.orders = orders;
    }

    @GetMapping("/api/products")
    List<Product> products() {
        return orders.products();
    }
}
