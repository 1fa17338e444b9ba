package dev.twophase.cli;

import javax.management.openmbean.CompositeData;

/** A recovery log record that is not terminated, as the console's {@code listLogRecords} describes it. */
record PendingLogRecord(String gtrid, String state, String expiresAt, String purgeAt, Integer preparedBranches) {

    static PendingLogRecord from(CompositeData data) {
        OpenValues v = OpenValues.of(data);
        return new PendingLogRecord(v.string("gtrid"), v.string("state"), v.string("expiresAt"), v.string("purgeAt"),
                v.integer("preparedBranches"));
    }
}
