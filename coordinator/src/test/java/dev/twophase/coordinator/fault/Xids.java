package dev.twophase.coordinator.fault;

import dev.twophase.coordinator.xa.PlainXid;

/** Xids for fault-injection tests. */
final class Xids {

    private Xids() {
    }

    /**
     * A branch of global transaction {@code gtrid}, readable ASCII like Atomikos's: branch
     * qualifier {@code <gtrid>.1}, format 4660, so a fault line reads {@code t/t.1 (format 4660)}.
     */
    static PlainXid xid(String gtrid) {
        return PlainXid.of(4660, gtrid, gtrid + ".1");
    }
}
