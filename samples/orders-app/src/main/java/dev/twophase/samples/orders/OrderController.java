package dev.twophase.samples.orders;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders?id=o-1&customer=ada&amountCents=1250[&failAfterWrites=true]}. */
@RestController
class OrderController {

    private final OrderService service;

    OrderController(OrderService service) {
        this.service = service;
    }

    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.CREATED)
    String place(@RequestParam String id, @RequestParam String customer, @RequestParam long amountCents,
            @RequestParam(defaultValue = "false") boolean failAfterWrites) {
        service.placeOrder(id, customer, amountCents, failAfterWrites);
        return id;
    }

    @ExceptionHandler(OrderService.OrderRejected.class)
    ProblemDetail rejected(OrderService.OrderRejected e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage());
    }
}
