package dev.twophase.coordinator.fault;

import java.nio.charset.StandardCharsets;

import javax.transaction.xa.Xid;

/** A Xid as Atomikos makes them: readable ASCII, the branch qualifier being the gtrid plus a counter. */
record FakeXid(String gtrid) implements Xid {

    static Xid xid(String gtrid) {
        return new FakeXid(gtrid);
    }

    @Override
    public int getFormatId() {
        return 4660;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] getBranchQualifier() {
        return (gtrid + ".1").getBytes(StandardCharsets.US_ASCII);
    }
}
