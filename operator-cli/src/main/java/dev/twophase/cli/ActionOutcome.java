package dev.twophase.cli;

import javax.management.openmbean.CompositeData;

/** What an operator action (commit, rollback, forget, recover) did: the console's {@code ActionResult}. */
record ActionOutcome(String action, String target, String participant, String outcome, Boolean forced, Boolean heuristic,
        String message, String auditId) {

    static ActionOutcome from(CompositeData data) {
        OpenValues v = OpenValues.of(data);
        return new ActionOutcome(v.string("action"), v.string("target"), v.string("participant"), v.string("outcome"),
                v.bool("forced"), v.bool("heuristic"), v.string("message"), v.string("auditId"));
    }

    /** E.g. {@code commit demo.17:demo.3 on bank-a: DONE - committed (audit 42)}. */
    String line() {
        StringBuilder line = new StringBuilder(action == null ? "action" : action);
        if (target != null && !target.isEmpty()) {
            line.append(' ').append(target);
        }
        if (participant != null && !participant.isEmpty()) {
            line.append(" on ").append(participant);
        }
        line.append(": ").append(outcome);
        if (Boolean.TRUE.equals(forced)) {
            line.append(", forced");
        }
        if (Boolean.TRUE.equals(heuristic)) {
            line.append(", heuristic");
        }
        if (message != null && !message.isEmpty()) {
            line.append(" - ").append(message);
        }
        if (auditId != null && !auditId.isEmpty()) {
            line.append(" (audit ").append(auditId).append(')');
        }
        return line.toString();
    }
}
