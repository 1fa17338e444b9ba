package dev.twophase.demo.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.coordinator.fault.Fault;
import dev.twophase.coordinator.fault.FaultInjector;
import dev.twophase.demo.patterns.PatternFaults;
import dev.twophase.coordinator.fault.FiredFault;

/**
 * Arms and disarms faults of the XA fault injector over HTTP (docs/fault-injector.md), for the
 * fault-injection suite and for demonstrations. Refuses to arm anything unless the application
 * was started with {@code twophase.faults.enabled=true}, which the coordinator refuses in a
 * {@code prod}/{@code production} profile.
 *
 * <ul>
 * <li>{@code GET /admin/faults}: whether injection is enabled, the armed rules, the faults that fired</li>
 * <li>{@code POST /admin/faults} with {@code {"rule":"bankA:BEFORE_COMMIT:HALT"}}: arms one rule (201)</li>
 * <li>{@code DELETE /admin/faults}: disarms every rule and forgets what fired (204)</li>
 * </ul>
 */
@RestController
@RequestMapping("/admin/faults")
class FaultAdminController {

    private static final Logger log = LoggerFactory.getLogger(FaultAdminController.class);

    static final Rejection DISABLED = new Rejection(HttpStatus.CONFLICT, "faults-disabled", "Fault injection is disabled");
    static final String PATTERN_PREFIX = "pattern:";
    static final Rejection INVALID_RULE = new Rejection(HttpStatus.BAD_REQUEST, "invalid-fault-rule", "Invalid fault rule");

    /** The body of {@code POST /admin/faults}. */
    record ArmRequest(String rule) {
    }

    /** Exists only with {@code twophase.faults.enabled=true}. */
    private final ObjectProvider<FaultInjector> injectors;
    /** The crash points of the Saga, TCC and outbox flows: rules {@code pattern:<point>:HALT}. */
    private final ObjectProvider<PatternFaults> patternFaults;

    FaultAdminController(ObjectProvider<FaultInjector> injectors, ObjectProvider<PatternFaults> patternFaults) {
        this.injectors = injectors;
        this.patternFaults = patternFaults;
    }

    @GetMapping
    Map<String, Object> faults() {
        FaultInjector injector = injectors.getIfAvailable();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", injector != null && injector.isEnabled());
        List<String> armed = new java.util.ArrayList<>(injector == null ? List.of() : injector.armed().stream().map(Fault::toString).toList());
        PatternFaults patterns = patternFaults.getIfAvailable();
        if (patterns != null) {
            patterns.armed().stream().sorted().forEach(point -> armed.add(PATTERN_PREFIX + point + ":HALT"));
        }
        body.put("armed", armed);
        body.put("fired", injector == null ? List.of() : injector.fired().stream().map(FaultAdminController::fired).toList());
        return body;
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> arm(@RequestBody ArmRequest request) {
        FaultInjector injector = injectors.getIfAvailable();
        if (injector == null || !injector.isEnabled()) {
            throw new RejectedException(DISABLED, "Fault injection is off; start the application with twophase.faults.enabled=true"
                    + " (refused in a prod or production profile) to arm faults. Nothing was armed.");
        }
        if (request == null || request.rule() == null || request.rule().isBlank()) {
            throw new RejectedException(INVALID_RULE, "The body must be {\"rule\": \"<participant>:<crash point>:<action>\"},"
                    + " e.g. {\"rule\": \"bankA:BEFORE_COMMIT:HALT\"}. Nothing was armed.");
        }
        if (request.rule().startsWith(PATTERN_PREFIX)) {
            return armPattern(request.rule());
        }
        Fault fault;
        try {
            fault = Fault.parse(request.rule());
        } catch (IllegalArgumentException e) {
            throw new RejectedException(INVALID_RULE, e.getMessage() + " Nothing was armed.");
        }
        injector.arm(fault);
        log.warn("Fault armed over HTTP: {}", fault);
        return ResponseEntity.created(URI.create("/admin/faults")).body(Map.of("armed", fault.toString()));
    }

    /** {@code pattern:<point>:HALT}: halts the JVM when a Saga, TCC or outbox transfer reaches {@code point}, once. */
    private ResponseEntity<Map<String, Object>> armPattern(String rule) {
        PatternFaults patterns = patternFaults.getIfAvailable();
        String[] parts = rule.split(":", -1);
        if (patterns == null || parts.length != 3 || !parts[2].equals("HALT")) {
            throw new RejectedException(INVALID_RULE, "A pattern rule is pattern:<crash point>:HALT, e.g. pattern:saga.debit.after-commit:HALT."
                    + " Nothing was armed.");
        }
        try {
            patterns.arm(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new RejectedException(INVALID_RULE, e.getMessage() + " Nothing was armed.");
        }
        log.warn("Pattern fault armed over HTTP: {}", rule);
        return ResponseEntity.created(URI.create("/admin/faults")).body(Map.of("armed", rule));
    }

    @DeleteMapping
    ResponseEntity<Void> disarm() {
        PatternFaults patterns = patternFaults.getIfAvailable();
        if (patterns != null) {
            patterns.disarm();
        }
        FaultInjector injector = injectors.getIfAvailable();
        if (injector == null) {
            return ResponseEntity.noContent().build();
        }
        List<Fault> removed = injector.disarm();
        injector.clearFired();
        if (!removed.isEmpty()) {
            log.warn("Faults disarmed over HTTP: {}", removed);
        }
        return ResponseEntity.noContent().build();
    }

    private static Map<String, Object> fired(FiredFault f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", f.at().toString());
        m.put("rule", f.fault().toString());
        m.put("participant", f.fault().participant());
        m.put("point", f.fault().point().name());
        m.put("xid", f.xid());
        m.put("gtrid", f.gtrid());
        m.put("thread", f.thread());
        return m;
    }
}
