package dev.twophase.participants.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.LocalServers;

class PostgresPreflightIT {

    private final PostgresTechnology postgres = new PostgresTechnology();

    @Test
    void passesOnTheTestDatabase() {
        assertThatCode(() -> postgres.preflight(LocalServers.postgres("bank-a", 20))).doesNotThrowAnyException();
    }

    @Test
    void failsWhenThePoolIsLargerThanMaxPreparedTransactions() throws Exception {
        JdbcParticipantSettings base = LocalServers.postgres("bank-a", 1);
        int maxPrepared = maxPreparedTransactions(base);
        JdbcParticipantSettings tooBig = LocalServers.postgres("bank-a", maxPrepared + 400);

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> postgres.preflight(tooBig))
                .satisfies(e -> {
                    assertThat(e.subject()).startsWith("participant 'bank-a' (PostgreSQL at ");
                    assertThat(e.getMessage()).contains("max_prepared_transactions = " + maxPrepared)
                            .contains("pool (" + (maxPrepared + 400) + " connections)");
                    assertThat(e.action()).contains("ALTER SYSTEM SET max_prepared_transactions");
                });
    }

    @Test
    void failsNamingHostAndPortWhenTheServerCannotBeReached() {
        int port = LocalServers.closedPort();
        JdbcParticipantSettings nowhere = JdbcParticipantSettings.of("bank-a", "jdbc:postgresql://127.0.0.1:" + port + "/twophase_it_a",
                "twophase", "twophase");

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> postgres.preflight(nowhere))
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("cannot be reached");
                    assertThat(e.action()).contains("Start PostgreSQL on 127.0.0.1:" + port);
                });
    }

    @Test
    void failsWithTheUserNameWhenTheServerRefusesTheLogin() {
        // An unknown role, not a wrong password: the local server trusts 127.0.0.1 and would accept any password.
        JdbcParticipantSettings good = LocalServers.postgres("bank-a", 20);
        JdbcParticipantSettings unknown = JdbcParticipantSettings.of("bank-a", good.url(), "pf_it_no_such_user", "not-the-password");

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> postgres.preflight(unknown))
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains("refused the connection for user 'pf_it_no_such_user'")
                            .contains("SQLState 28");
                    assertThat(e.action()).as("names the user's own keys").contains("twophase.participants.jdbc.bank-a.username",
                            "twophase.participants.jdbc.bank-a.password", "twophase.participants.jdbc.bank-a.url");
                });
    }

    private static int maxPreparedTransactions(JdbcParticipantSettings s) throws Exception {
        try (Connection c = DriverManager.getConnection(s.url(), s.username(), s.password());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW max_prepared_transactions")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }
}
