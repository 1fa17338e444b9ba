package dev.twophase.demo.consistency;

import java.time.Instant;
import java.util.List;

/**
 * Every invariant of the demo, checked at one moment.
 *
 * @param consistent whether every invariant passed
 * @param checkedAt when the check ran
 * @param invariants one result per invariant
 */
public record ConsistencyReport(boolean consistent, Instant checkedAt, List<InvariantResult> invariants) {

    /** The result of one invariant by name. */
    public InvariantResult invariant(String name) {
        return invariants.stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no invariant " + name));
    }
}
