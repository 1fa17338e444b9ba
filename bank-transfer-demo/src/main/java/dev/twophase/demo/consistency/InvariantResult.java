package dev.twophase.demo.consistency;

import java.util.List;
import java.util.Map;

/**
 * The verdict on one invariant, with the figures it was decided on.
 *
 * @param name stable identifier, e.g. {@code money-conserved}
 * @param description what must hold, in one sentence
 * @param status PASS or FAIL
 * @param figures the numbers behind the verdict
 * @param violations the first few concrete violations (empty when PASS)
 */
public record InvariantResult(String name, String description, Status status, Map<String, Object> figures,
        List<String> violations) {

    /** Outcome of one check. */
    public enum Status {
        PASS, FAIL
    }

    static InvariantResult of(String name, String description, Map<String, Object> figures, List<String> violations) {
        List<String> shown = violations.size() > 20 ? violations.subList(0, 20) : violations;
        return new InvariantResult(name, description, violations.isEmpty() ? Status.PASS : Status.FAIL, figures, List.copyOf(shown));
    }

    public boolean passed() {
        return status == Status.PASS;
    }
}
