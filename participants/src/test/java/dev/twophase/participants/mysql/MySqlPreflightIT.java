package dev.twophase.participants.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.participants.JdbcParticipantSettings;
import dev.twophase.participants.LocalServers;

class MySqlPreflightIT {

    private final MySqlTechnology mysql = new MySqlTechnology();

    @Test
    void passesOnTheTestDatabase() {
        assertThatCode(() -> mysql.preflight(LocalServers.mysql("bank-b", 20))).doesNotThrowAnyException();
    }

    @Test
    void failsNamingHostAndPortWhenTheServerCannotBeReached() {
        int port = LocalServers.closedPort();
        JdbcParticipantSettings nowhere = JdbcParticipantSettings.of("bank-b",
                "jdbc:mysql://127.0.0.1:" + port + "/twophase_it_b?sslMode=DISABLED&allowPublicKeyRetrieval=true",
                "twophase", "twophase");

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> mysql.preflight(nowhere))
                .satisfies(e -> {
                    assertThat(e.subject()).isEqualTo("participant 'bank-b' (MySQL at 127.0.0.1:" + port + ")");
                    assertThat(e.getMessage()).contains("the server at 127.0.0.1:" + port + " cannot be reached");
                });
    }

    @Test
    void failsWithTheUserNameWhenThePasswordIsWrong() {
        JdbcParticipantSettings good = LocalServers.mysql("bank-b", 20);
        JdbcParticipantSettings wrong = JdbcParticipantSettings.of("bank-b", good.url(), good.username(), "not-the-password");

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> mysql.preflight(wrong))
                .withMessageContaining("refused the connection for user '" + good.username() + "'")
                .withMessageContaining("vendor code 1045");
    }
}
