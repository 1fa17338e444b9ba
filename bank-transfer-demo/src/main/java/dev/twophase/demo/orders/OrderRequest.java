package dev.twophase.demo.orders;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/orders}.
 *
 * @param sku the product to buy (an unknown one is refused with 422)
 * @param quantity a whole number of items, 1 to {@value #MAX_QUANTITY}
 * @param userId the buyer: 1 to 64 of {@code A-Z a-z 0-9 . _ -}
 * @param strategy how the stock is protected against concurrent buyers (XA; the other modes record it)
 * @param mode {@code xa} (the default: one two-phase commit), {@code saga}, {@code tcc} or
 *        {@code outbox} (local transactions, eventually consistent; see docs/patterns.md). Checked by
 *        the controller, so a wrong value gets {@code invalid-mode}.
 */
public record OrderRequest(
        @NotNull @Size(min = 1, max = 32, message = "must be 1 to 32 characters, e.g. SKU-MUG") String sku,
        @NotNull @Min(1) @Max(OrderRequest.MAX_QUANTITY) Integer quantity,
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1 to 64 letters, digits, '.', '_' or '-', e.g. u-1") String userId,
        @NotNull OrderStrategy strategy,
        String mode) {

    /** An XA order request. */
    public OrderRequest(String sku, Integer quantity, String userId, OrderStrategy strategy) {
        this(sku, quantity, userId, strategy, null);
    }

    /** Most items in one order. */
    public static final int MAX_QUANTITY = 1000;
}
