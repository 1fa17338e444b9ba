package dev.twophase.demo.orders;

import java.net.URI;
import java.util.Optional;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.orders.OrderRejectedException.Reason;
import dev.twophase.demo.patterns.PatternMode;
import dev.twophase.demo.web.NotFoundException;

/** {@code /api/orders}: place an order, read one. */
@RestController
@RequestMapping("/api/orders")
class OrderController {

    private final OrderService orders;
    private final PatternOrders patterns;

    OrderController(OrderService orders, PatternOrders patterns) {
        this.orders = orders;
        this.patterns = patterns;
    }

    /**
     * 201 with the order, its stock after and the attempts it took; Location names the order. With
     * {@code mode} saga, tcc or outbox, the body is the order's log ({@link PatternOrder}): 201 once
     * {@code DONE}, 202 while still on its way (the outbox, or a step that failed unexpectedly and is
     * left to recovery).
     */
    @PostMapping
    ResponseEntity<?> create(@Valid @RequestBody OrderRequest request) {
        PatternMode mode = mode(request.mode());
        if (mode != PatternMode.XA) {
            PatternOrder order = patterns.order(request, mode);
            URI location = URI.create("/api/orders/" + order.id());
            return "DONE".equals(order.state()) ? ResponseEntity.created(location).body(order)
                    : ResponseEntity.accepted().location(location).body(order);
        }
        OrderPlaced placed = orders.order(request);
        return ResponseEntity.created(URI.create("/api/orders/" + placed.id())).body(placed);
    }

    /** A Saga, TCC or outbox order's log, or an XA order. */
    @GetMapping("/{id}")
    Object get(@PathVariable String id) {
        Optional<PatternOrder> pattern = patterns.find(id);
        if (pattern.isPresent()) {
            return pattern.get();
        }
        return orders.find(id).orElseThrow(() -> new NotFoundException("order", id));
    }

    private static PatternMode mode(String text) {
        return PatternMode.ofRequest(text, detail -> new OrderRejectedException(Reason.INVALID_MODE, detail));
    }
}
