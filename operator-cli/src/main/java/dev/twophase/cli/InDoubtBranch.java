package dev.twophase.cli;

import javax.management.openmbean.CompositeData;

/** One prepared XA branch as the console's {@code listInDoubtBranches} / {@code showBranch} describe it. */
record InDoubtBranch(String participant, String xid, String gtrid, String bqual, Integer formatId, String createdAt,
        String run, Boolean inFlight, String decision, String recommendation, String reason) {

    static InDoubtBranch from(CompositeData data) {
        OpenValues v = OpenValues.of(data);
        return new InDoubtBranch(v.string("participant"), v.string("xid"), v.string("gtrid"), v.string("bqual"),
                v.integer("formatId"), v.string("createdAt"), v.string("run"), v.bool("inFlight"), v.string("decision"),
                v.string("recommendation"), v.string("reason"));
    }
}
