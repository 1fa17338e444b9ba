package dev.twophase.demo.events;

import java.time.Instant;
import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

/**
 * {@code GET /api/events?limit=N}: the latest events the XA consumer took into the inbox (bank
 * A), newest first, for the web page's live panel.
 */
@RestController
class EventController {

    static final int MAX_LIMIT = 200;
    static final Rejection INVALID_LIMIT = new Rejection(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request");

    /** One consumed event. */
    record ConsumedEvent(String eventId, String eventType, String businessKey, Instant receivedAt) {
    }

    private final JdbcTemplate bankA;
    private final TransactionTemplate tx;

    EventController(@Qualifier("bank-a") JdbcTemplate bankA, PlatformTransactionManager transactionManager) {
        this.bankA = bankA;
        this.tx = new TransactionTemplate(transactionManager);
        this.tx.setReadOnly(true);
    }

    @GetMapping("/api/events")
    List<ConsumedEvent> latest(@RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new RejectedException(INVALID_LIMIT, "limit must be between 1 and " + MAX_LIMIT
                    + ": a whole number, e.g. limit=20 (it was " + limit + ").");
        }
        return tx.execute(status -> bankA.query("SELECT event_id, event_type, business_key, received_at FROM inbox_event"
                + " ORDER BY received_at DESC, event_id FETCH FIRST " + limit + " ROWS ONLY",
                (rs, i) -> new ConsumedEvent(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant())));
    }
}
