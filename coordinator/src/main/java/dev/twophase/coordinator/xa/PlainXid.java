package dev.twophase.coordinator.xa;

import java.nio.charset.StandardCharsets;

import javax.transaction.xa.Xid;

/**
 * An Xid made of plain values, for a branch built by hand (a tool, a test preparing a branch
 * directly). Drivers return Xids of their own classes from {@code recover}: compare any two Xids
 * with {@link XidText#key}, not {@code equals}.
 */
public record PlainXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {

    public PlainXid {
        gtrid = gtrid.clone();
        bqual = bqual.clone();
    }

    /** The Xid with these ids, as UTF-8 bytes. */
    public static PlainXid of(int formatId, String gtrid, String bqual) {
        return new PlainXid(formatId, gtrid.getBytes(StandardCharsets.UTF_8), bqual.getBytes(StandardCharsets.UTF_8));
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
        return XidText.describe(this);
    }
}
