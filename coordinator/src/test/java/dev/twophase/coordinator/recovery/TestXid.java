package dev.twophase.coordinator.recovery;

import java.nio.charset.StandardCharsets;

import javax.transaction.xa.Xid;

import dev.twophase.coordinator.xa.XidText;

/** An Xid as a driver returns it from {@code recover}: plain bytes, no equals. */
final class TestXid implements Xid {

    /** Atomikos's format id ('ATOM'). */
    static final int ATOMIKOS_FORMAT = ('A' << 24) + ('T' << 16) + ('O' << 8) + 'M';

    private final int formatId;
    private final byte[] gtrid;
    private final byte[] bqual;

    private TestXid(int formatId, byte[] gtrid, byte[] bqual) {
        this.formatId = formatId;
        this.gtrid = gtrid;
        this.bqual = bqual;
    }

    /** A branch as Atomikos names it: gtrid {@code <tm>.<millis><5-digit counter>}, bqual {@code <tm>.<n>}. */
    static TestXid atomikos(String tmName, long createdAtMillis, int counter, int branch) {
        return of(tmName + "." + createdAtMillis + String.format("%05d", counter), tmName + "." + branch);
    }

    static TestXid of(String gtrid, String bqual) {
        return new TestXid(ATOMIKOS_FORMAT, gtrid.getBytes(StandardCharsets.US_ASCII), bqual.getBytes(StandardCharsets.US_ASCII));
    }

    /** A fresh copy of any Xid, as a driver hands out on {@code recover}. */
    static TestXid copyOf(Xid xid) {
        return new TestXid(xid.getFormatId(), xid.getGlobalTransactionId().clone(), xid.getBranchQualifier().clone());
    }

    String gtrid() {
        return new String(gtrid, StandardCharsets.US_ASCII);
    }

    @Override
    public int getFormatId() {
        return formatId;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return gtrid.clone();
    }

    @Override
    public byte[] getBranchQualifier() {
        return bqual.clone();
    }

    @Override
    public String toString() {
        return XidText.of(this);
    }
}
