package dev.twophase.participants.h2;

import javax.sql.XADataSource;

import org.h2.jdbcx.JdbcDataSource;

import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.JdbcTechnology;
import dev.twophase.participants.internal.Preflight;

/**
 * H2 through {@link JdbcDataSource} (which is also H2's XA data source): the embedded default, so
 * the demo runs on a machine with no database server. Use file URLs ({@code jdbc:h2:file:...}):
 * H2 keeps prepared transactions in its file and lists them after a restart; an in-memory
 * database would lose them.
 */
public final class H2Technology implements JdbcTechnology {

    @Override
    public String displayName() {
        return "H2";
    }

    /**
     * H2 runs the PostgreSQL schema as written (identity columns, {@code TIMESTAMP WITH TIME ZONE},
     * named CHECK constraints), so the embedded default shares its one copy and cannot drift from it.
     */
    @Override
    public String schemaFolder() {
        return "postgresql";
    }

    @Override
    public String exampleUrl() {
        return "jdbc:h2:file:./data/bank-a";
    }

    @Override
    public String urlPrefix() {
        return "jdbc:h2:";
    }

    @Override
    public XADataSource xaDataSource(JdbcParticipantSettings s) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(s.url());
        ds.setUser(s.username());
        ds.setPassword(s.password());
        return ds;
    }

    @Override
    public java.util.List<String> preparedBranches(java.sql.Connection connection) throws java.sql.SQLException {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (var st = connection.createStatement();
                var rs = st.executeQuery("SELECT TRANSACTION_NAME FROM INFORMATION_SCHEMA.IN_DOUBT")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Override
    public void preflight(JdbcParticipantSettings s) {
        Preflight.run(s, displayName(), 0, xaDataSource(s), connection -> connection.isValid(5));
    }
}
