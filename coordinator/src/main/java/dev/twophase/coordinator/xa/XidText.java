package dev.twophase.coordinator.xa;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.transaction.xa.Xid;

/**
 * Readable and comparable forms of an {@link Xid}. Atomikos ids are ASCII
 * ({@code <tm-name>.<millis><counter>}), so they are shown as text; anything else as hex.
 */
public final class XidText {

    private XidText() {
    }

    /** {@code gtrid:bqual}, e.g. {@code demo-1.171800000000000001:demo-1.7}, for logs and status. */
    public static String of(Xid xid) {
        return part(xid.getGlobalTransactionId()) + ":" + part(xid.getBranchQualifier());
    }

    /** The global transaction id as Atomikos stores it in its log (its coordinator id). */
    public static String gtrid(Xid xid) {
        return latin1(xid.getGlobalTransactionId());
    }

    /** The branch qualifier, decoded one byte per char so that no byte is lost. */
    public static String bqual(Xid xid) {
        return latin1(xid.getBranchQualifier());
    }

    /** A value with equals and hashCode for any Xid implementation (drivers' Xids often have neither). */
    public static Key key(Xid xid) {
        return new Key(xid.getFormatId(), gtrid(xid), bqual(xid));
    }

    public record Key(int formatId, String gtrid, String bqual) {
    }

    /**
     * {@code gtrid/bqual (format N)}, as fault-injection lines print a branch, e.g.
     * {@code demo-1.171800000000000001/demo-1.7 (format 4660)}; {@code null} for {@code null}.
     */
    public static String describe(Xid xid) {
        return xid == null ? null : part(xid.getGlobalTransactionId()) + "/" + part(xid.getBranchQualifier())
                + " (format " + xid.getFormatId() + ")";
    }

    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String part(byte[] bytes) {
        if (bytes == null) {
            return "";
        }
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7e || b == ':') {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
