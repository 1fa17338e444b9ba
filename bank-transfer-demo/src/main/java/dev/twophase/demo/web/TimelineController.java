package dev.twophase.demo.web;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.coordinator.timeline.XaTimeline;

/**
 * {@code GET /api/timeline}: the protocol of the most recent global transactions, as the
 * coordinator's {@link XaTimeline} recorded it (each participant's XA calls with their votes, the
 * coordinator's log records, the outcome), newest first. The demo enables the timeline in
 * application.yml; with {@code twophase.coordinator.timeline.enabled=false} the endpoint answers
 * {@code 404 timeline-disabled}.
 */
@RestController
class TimelineController {

    static final int MAX_LIMIT = 200;
    static final Rejection INVALID_LIMIT = new Rejection(HttpStatus.BAD_REQUEST, "invalid-timeline-query", "Invalid timeline query");
    static final Rejection DISABLED = new Rejection(HttpStatus.NOT_FOUND, "timeline-disabled", "Timeline disabled");

    private final ObjectProvider<XaTimeline> timeline;

    TimelineController(ObjectProvider<XaTimeline> timeline) {
        this.timeline = timeline;
    }

    /**
     * @param limit        how many transactions, 1 to {@value #MAX_LIMIT}
     * @param participants only transactions with at least this many actors, the coordinator's log counting as one, 1
     *                     to 10 (2: leave out reads and one-database writes, which commit in one phase and log nothing)
     */
    @GetMapping("/api/timeline")
    List<XaTimeline.Transaction> recent(@RequestParam(defaultValue = "20") int limit, @RequestParam(defaultValue = "1") int participants) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new RejectedException(INVALID_LIMIT, "limit must be between 1 and " + MAX_LIMIT + ", was " + limit
                    + "; nothing was changed.");
        }
        if (participants < 1 || participants > 10) {
            throw new RejectedException(INVALID_LIMIT, "participants must be between 1 and 10, was " + participants
                    + "; nothing was changed.");
        }
        XaTimeline recorder = timeline.getIfAvailable();
        if (recorder == null) {
            throw new RejectedException(DISABLED, "The protocol timeline is off: start the application with"
                    + " twophase.coordinator.timeline.enabled=true.");
        }
        return recorder.recent(limit, participants);
    }
}
