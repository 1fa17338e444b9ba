package dev.twophase.coordinator.xa;

import java.nio.charset.StandardCharsets;

import javax.transaction.xa.Xid;

/**
 * The one Xid value type of twophase: an Xid made of plain values, for a branch built by hand (a
 * tool, a test preparing a branch directly) or read back from a participant (MySQL's
 * {@code XA RECOVER}). Like the Xids drivers return from {@code recover}, it has no value
 * equality: compare any two Xids with {@link XidText#key}, not {@code equals}.
 *
 * <p>The arrays are copied in and out, so a PlainXid cannot change after it is made.
 *
 * @param formatId the XA format id (Atomikos: 4660)
 * @param gtrid the global transaction id
 * @param bqual the branch qualifier (Atomikos: the coordinator's name, a dot and a counter)
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

    /** A fresh copy of any Xid, as a driver hands one out on {@code recover}: same ids, a new object. */
    public static PlainXid copyOf(Xid xid) {
        return new PlainXid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    /** A copy of the global transaction id. */
    @Override
    public byte[] gtrid() {
        return gtrid.clone();
    }

    /** A copy of the branch qualifier. */
    @Override
    public byte[] bqual() {
        return bqual.clone();
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

    /** {@link XidText#describe}: {@code gtrid/bqual (format N)}, a part that is not printable ASCII as hex. */
    @Override
    public String toString() {
        return XidText.describe(this);
    }
}
