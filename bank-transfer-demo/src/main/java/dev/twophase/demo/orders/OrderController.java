package dev.twophase.demo.orders;

import java.net.URI;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.web.NotFoundException;

/** {@code /api/orders}: place an order, read one. */
@RestController
@RequestMapping("/api/orders")
class OrderController {

    private final OrderService orders;

    OrderController(OrderService orders) {
        this.orders = orders;
    }

    /** 201 with the order, its stock after and the attempts it took; Location names the order. */
    @PostMapping
    ResponseEntity<OrderPlaced> create(@Valid @RequestBody OrderRequest request) {
        OrderPlaced placed = orders.order(request);
        return ResponseEntity.created(URI.create("/api/orders/" + placed.id())).body(placed);
    }

    @GetMapping("/{id}")
    Order get(@PathVariable String id) {
        return orders.find(id).orElseThrow(() -> new NotFoundException("order", id));
    }
}
