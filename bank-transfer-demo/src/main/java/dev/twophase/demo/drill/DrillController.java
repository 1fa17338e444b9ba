package dev.twophase.demo.drill;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

/**
 * The crash-and-recover drill over HTTP (docs/drill.md):
 * <ul>
 * <li>{@code GET /api/drill}: whether drills are offered here, whether a supervisor restarts the application,
 * the choices, and the last drill with every time it passed</li>
 * <li>{@code POST /admin/drill} {@code {"flow": "transfer", "participant": "bank-b", "point": "BEFORE_COMMIT"}}: starts one
 * (202); it halts the process, so it needs the operator role like arming a fault</li>
 * </ul>
 */
@RestController
class DrillController {

    static final Rejection UNAVAILABLE = new Rejection(HttpStatus.CONFLICT, "drill-unavailable", "Drill unavailable");
    static final Rejection IN_PROGRESS = new Rejection(HttpStatus.CONFLICT, "drill-in-progress", "A drill is in progress");
    static final Rejection INVALID = new Rejection(HttpStatus.BAD_REQUEST, "invalid-drill", "Invalid drill");

    /** The body of {@code POST /admin/drill}. */
    record DrillRequest(String flow, String participant, String point) {
    }

    private final DrillService drills;

    DrillController(DrillService drills) {
        this.drills = drills;
    }

    @GetMapping("/api/drill")
    Map<String, Object> state() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("available", drills.available());
        body.put("supervised", DrillSupervisor.isChild());
        body.put("restarts", DrillSupervisor.restarts());
        body.put("flows", DrillService.FLOWS);
        body.put("participants", DrillService.PARTICIPANTS);
        body.put("points", DrillService.POINTS);
        body.put("drill", drills.current().orElse(null));
        body.put("loadError", drills.loadError());
        body.put("now", Instant.now());
        return body;
    }

    @PostMapping("/admin/drill")
    ResponseEntity<Drill> start(@RequestBody(required = false) DrillRequest request) {
        if (request == null) {
            throw new RejectedException(INVALID, "The body must be {\"flow\": \"transfer\", \"participant\": \"bank-b\","
                    + " \"point\": \"BEFORE_COMMIT\"}. Nothing was armed.");
        }
        try {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(drills.start(request.flow(), request.participant(), request.point()));
        } catch (DrillService.RefusedException e) {
            Rejection rejection = switch (e.refusal()) {
                case UNAVAILABLE -> UNAVAILABLE;
                case IN_PROGRESS -> IN_PROGRESS;
                case INVALID -> INVALID;
            };
            throw new RejectedException(rejection, e.getMessage());
        }
    }
}
