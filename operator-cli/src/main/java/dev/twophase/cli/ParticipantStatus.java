package dev.twophase.cli;

import javax.management.AttributeList;

/** The attributes of one {@code dev.twophase:type=Participant} MXBean. */
record ParticipantStatus(String name, Boolean reachable, Integer preparedBranches, Integer preparedBranchesOfOthers,
        String lastError, String lastScanAt) {

    static final String[] ATTRIBUTES = {"Name", "Reachable", "PreparedBranches", "PreparedBranchesOfOthers", "LastError",
            "LastScanAt"};

    static ParticipantStatus from(AttributeList attributes) {
        OpenValues v = OpenValues.of(attributes);
        return new ParticipantStatus(v.string("Name"), v.bool("Reachable"), v.integer("PreparedBranches"),
                v.integer("PreparedBranchesOfOthers"), v.string("LastError"), v.string("LastScanAt"));
    }
}
