package dev.twophase.participants.mysql;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.transaction.xa.Xid;

/**
 * One prepared branch as MySQL/MariaDB's {@code XA RECOVER} lists it.
 *
 * @param formatId the XA format id
 * @param gtrid the global transaction id
 * @param bqual the branch qualifier (Atomikos: the coordinator's name followed by a counter)
 */
public record RecoveredXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {

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

    /** The branch in the form {@code XA COMMIT} and {@code XA ROLLBACK} take: {@code X'..',X'..',format}. */
    public String sql() {
        HexFormat hex = HexFormat.of();
        return "X'" + hex.formatHex(gtrid) + "',X'" + hex.formatHex(bqual) + "'," + formatId;
    }

    /** {@code gtrid/bqual (format N)}, with a part that is not printable ASCII shown as hex. */
    @Override
    public String toString() {
        return readable(gtrid) + "/" + readable(bqual) + " (format " + formatId + ")";
    }

    private static String readable(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
