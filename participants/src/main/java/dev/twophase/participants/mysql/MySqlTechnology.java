package dev.twophase.participants.mysql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

import javax.sql.XADataSource;
import javax.transaction.xa.Xid;

import com.mysql.cj.jdbc.MysqlXADataSource;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcTechnology;
import dev.twophase.participants.internal.Endpoint;
import dev.twophase.participants.internal.Preflight;

/**
 * MySQL 8.x and MariaDB 10.5+ through mysql-connector-j's {@link MysqlXADataSource}, with
 * {@code pinGlobalTxToPhysicalConnection} so every statement of a branch uses the connection
 * that started it.
 *
 * <p>The preflight check runs {@code XA RECOVER}: MySQL 8 refuses it without the
 * {@code XA_RECOVER_ADMIN} privilege, and a coordinator that cannot list prepared branches cannot
 * recover. It also refuses MariaDB before 10.5, which drops prepared XA branches on disconnect.
 */
public final class MySqlTechnology implements JdbcTechnology {

    static final int DEFAULT_PORT = 3306;
    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: "you need (at least one of) the XA_RECOVER_ADMIN privilege(s)". */
    static final int ACCESS_DENIED = 1227;

    @Override
    public String displayName() {
        return "MySQL";
    }

    @Override
    public String schemaFolder() {
        return "mysql";
    }

    @Override
    public String exampleUrl() {
        return "jdbc:mysql://127.0.0.1:3306/twophase_b";
    }

    @Override
    public String urlPrefix() {
        return "jdbc:mysql:";
    }

    @Override
    public XADataSource xaDataSource(JdbcParticipantSettings s) {
        MysqlXADataSource ds = new MysqlXADataSource();
        ds.setUrl(s.url());
        ds.setUser(s.username());
        ds.setPassword(s.password());
        try {
            ds.setPinGlobalTxToPhysicalConnection(true);
            ds.setConnectTimeout(10_000);
            ds.setTcpKeepAlive(true);
        } catch (SQLException e) {
            throw new IllegalStateException("mysql-connector-j rejected a fixed XA setting", e);
        }
        return ds;
    }

    @Override
    public void preflight(JdbcParticipantSettings s) {
        Endpoint endpoint = Endpoint.fromJdbcUrl(s.url(), DEFAULT_PORT);
        String subject = Preflight.subject(s, displayName(), endpoint);
        Preflight.run(s, displayName(), DEFAULT_PORT, xaDataSource(s), connection -> {
            String version;
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                rs.next();
                version = rs.getString(1);
            }
            String versionProblem = versionProblem(version);
            if (versionProblem != null) {
                throw new TwophaseStartupException(subject, versionProblem,
                        "Use MySQL 8.0 or newer, or MariaDB 10.5 or newer.", null);
            }
            try {
                // Reading the list is the check; recovery decides what to do with the entries.
                preparedBranches(connection);
            } catch (SQLException e) {
                throw recoverRefused(s, subject, e);
            }
        });
    }

    @Override
    public java.util.List<String> preparedBranches(java.sql.Connection connection) throws SQLException {
        return recoveredXids(connection).stream().map(PlainXid::toString).toList();
    }

    /**
     * The prepared branches {@code XA RECOVER} lists. Its binary {@code data} column is split by
     * {@code gtrid_length} and {@code bqual_length} here, because MariaDB has no
     * {@code CONVERT XID}. Note that the list is server-wide, not per database.
     */
    public static java.util.List<PlainXid> recoveredXids(java.sql.Connection connection) throws SQLException {
        java.util.List<PlainXid> xids = new java.util.ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("XA RECOVER")) {
            while (rs.next()) {
                int gtridLength = rs.getInt("gtrid_length");
                int bqualLength = rs.getInt("bqual_length");
                byte[] data = rs.getBytes("data");
                xids.add(new PlainXid(rs.getInt("formatID"), java.util.Arrays.copyOfRange(data, 0, gtridLength),
                        java.util.Arrays.copyOfRange(data, gtridLength, gtridLength + bqualLength)));
            }
        }
        return xids;
    }

    /**
     * The branch in the form {@code XA COMMIT} and {@code XA ROLLBACK} take, {@code X'..',X'..',format}:
     * hex literals, so any bytes (and no quoting) are safe, e.g. {@code "XA ROLLBACK " + xaSql(xid)}.
     */
    public static String xaSql(Xid xid) {
        HexFormat hex = HexFormat.of();
        return "X'" + hex.formatHex(xid.getGlobalTransactionId()) + "',X'" + hex.formatHex(xid.getBranchQualifier()) + "',"
                + xid.getFormatId();
    }

    /** Why this server version cannot take part safely, or {@code null}. */
    static String versionProblem(String version) {
        if (version == null) {
            return null;
        }
        if (version.toLowerCase(java.util.Locale.ROOT).contains("mariadb")) {
            int[] v = numbers(version);
            if (v[0] < 10 || (v[0] == 10 && v[1] < 5)) {
                return "MariaDB " + version + " rolls back prepared XA branches when the client disconnects"
                        + " (fixed in 10.5), which breaks two-phase commit after a coordinator crash";
            }
            return null;
        }
        int[] v = numbers(version);
        if (v[0] < 8) {
            return "MySQL " + version + " is older than 8.0; twophase supports MySQL 8.0 and newer";
        }
        return null;
    }

    private static int[] numbers(String version) {
        String[] parts = version.split("[.-]");
        int[] out = new int[2];
        for (int i = 0; i < 2 && i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].replaceAll("\\D", ""));
            } catch (NumberFormatException e) {
                out[i] = 0;
            }
        }
        return out;
    }

    /** The report for an {@code XA RECOVER} that the server refused. */
    static TwophaseStartupException recoverRefused(JdbcParticipantSettings s, String subject, SQLException e) {
        if (e.getErrorCode() == ACCESS_DENIED) {
            return new TwophaseStartupException(subject,
                    "user '" + s.username() + "' may not run XA RECOVER (" + e.getMessage() + "), so this coordinator"
                            + " could not find its prepared branches after a crash",
                    "As an administrator run: GRANT XA_RECOVER_ADMIN ON *.* TO '" + s.username() + "'@'%';"
                            + " (use the user's real host instead of '%').",
                    e);
        }
        return new TwophaseStartupException(subject, "XA RECOVER failed (" + e.getMessage() + ", SQLState "
                + e.getSQLState() + ", vendor code " + e.getErrorCode() + ")",
                "Check that user '" + s.username() + "' may run XA statements on this server.", e);
    }
}
