package dev.twophase.cli;

import javax.management.AttributeList;

/**
 * The attributes of the {@code dev.twophase:type=Coordinator} MXBean; point-in-time values.
 * {@code recoveringFor}: the other instances' TM names this one is taking over now, comma-separated
 * ({@code null} from a coordinator that predates takeover).
 */
record CoordinatorStatus(String tmName, String logDirectory, String auditFile, Long committed, Long rolledBack,
        Long heuristic, Long inFlight, String recoveryState, Integer inDoubt, String recoveringFor) {

    static final String[] ATTRIBUTES = {"TmName", "LogDirectory", "AuditFile", "Committed", "RolledBack", "Heuristic",
            "InFlight", "RecoveryState", "InDoubt", "RecoveringFor"};

    static CoordinatorStatus from(AttributeList attributes) {
        OpenValues v = OpenValues.of(attributes);
        return new CoordinatorStatus(v.string("TmName"), v.string("LogDirectory"), v.string("AuditFile"),
                v.number("Committed"), v.number("RolledBack"), v.number("Heuristic"), v.number("InFlight"),
                v.string("RecoveryState"), v.integer("InDoubt"), v.strings("RecoveringFor"));
    }
}
