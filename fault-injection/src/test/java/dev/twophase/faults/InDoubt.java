package dev.twophase.faults;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.transaction.xa.Xid;

import dev.twophase.participants.mysql.MySqlTechnology;
import dev.twophase.participants.postgresql.PostgresTechnology;
import dev.twophase.testing.BrokerProbe;
import dev.twophase.testing.DatabaseProbe;

/**
 * The prepared (in-doubt) branches each participant holds, read from the participants themselves:
 * {@code pg_prepared_xacts}, MariaDB's {@code XA RECOVER} and the broker's XA recovery scan, as
 * {@code participant: gtrid/bqual}. Filtered to one coordinator: Atomikos's branch qualifiers
 * start with the TM name and a dot.
 */
final class InDoubt {

    /** pgjdbc's global id: {@code formatId_base64(gtrid)_base64(bqual)}. */
    private static final Pattern PG_GID = Pattern.compile("^(-?\\d+)_([A-Za-z0-9+/=]*)_([A-Za-z0-9+/=]*)$");

    private InDoubt() {
    }

    static List<String> of(String tmName, DatabaseProbe bankA, DatabaseProbe bankB, String brokerUrl) throws Exception {
        String prefix = tmName + ".";
        List<String> all = new ArrayList<>();
        for (String gid : postgresGids(bankA)) {
            Matcher m = PG_GID.matcher(gid);
            if (!m.matches()) {
                all.add("bankA: " + gid); // not pgjdbc's form: someone else's, and in the way all the same
            } else if (part(m, 3).startsWith(prefix)) {
                all.add("bankA: " + part(m, 2) + "/" + part(m, 3));
            }
        }
        try (Connection c = bankB.connect()) {
            for (Xid x : MySqlTechnology.recoveredXids(c)) {
                String bqual = text(x.getBranchQualifier());
                if (bqual.startsWith(prefix)) {
                    all.add("bankB: " + text(x.getGlobalTransactionId()) + "/" + bqual);
                }
            }
        }
        try (BrokerProbe probe = new BrokerProbe(brokerUrl)) {
            for (Xid x : probe.preparedTransactions()) {
                String bqual = text(x.getBranchQualifier());
                if (bqual.startsWith(prefix)) {
                    all.add("broker: " + text(x.getGlobalTransactionId()) + "/" + bqual);
                }
            }
        }
        return all;
    }

    /** pgjdbc's gid of the PostgreSQL branch of one global transaction, or null when none is prepared. */
    static String postgresGid(DatabaseProbe bankA, String gtrid) throws Exception {
        for (String gid : postgresGids(bankA)) {
            Matcher m = PG_GID.matcher(gid);
            if (m.matches() && part(m, 2).equals(gtrid)) {
                return gid;
            }
        }
        return null;
    }

    private static List<String> postgresGids(DatabaseProbe bankA) throws Exception {
        try (Connection c = bankA.connect()) {
            return new PostgresTechnology().preparedBranches(c);
        }
    }

    private static String part(Matcher gid, int group) {
        return text(Base64.getDecoder().decode(gid.group(group)));
    }

    /** The branches of one global transaction among {@code branches}. */
    static List<String> ofTransaction(List<String> branches, String gtrid) {
        return branches.stream().filter(b -> b.contains(": " + gtrid + "/")).toList();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
