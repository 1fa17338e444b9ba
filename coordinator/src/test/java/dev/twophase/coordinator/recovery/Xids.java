package dev.twophase.coordinator.recovery;

import dev.twophase.coordinator.xa.PlainXid;

/** Xids as Atomikos names its branches, for recovery tests. */
final class Xids {

    /** Atomikos's format id ('ATOM'). */
    private static final int ATOMIKOS_FORMAT = ('A' << 24) + ('T' << 16) + ('O' << 8) + 'M';

    private Xids() {
    }

    /** A branch as Atomikos names it: gtrid {@code <tm>.<millis><5-digit counter>}, bqual {@code <tm>.<n>}. */
    static PlainXid atomikos(String tmName, long createdAtMillis, int counter, int branch) {
        return of(tmName + "." + createdAtMillis + String.format("%05d", counter), tmName + "." + branch);
    }

    /** A branch with these ids (ASCII) and Atomikos's format id. */
    static PlainXid of(String gtrid, String bqual) {
        return PlainXid.of(ATOMIKOS_FORMAT, gtrid, bqual);
    }
}
