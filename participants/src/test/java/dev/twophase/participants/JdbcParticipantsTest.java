package dev.twophase.participants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.XaResourceChain;
import dev.twophase.participants.h2.H2Technology;
import dev.twophase.participants.mysql.MySqlTechnology;
import dev.twophase.participants.postgresql.PostgresTechnology;

class JdbcParticipantsTest {

    @Test
    void picksTheTechnologyFromTheUrlPrefix() {
        assertThat(JdbcParticipants.technologyFor(JdbcParticipantSettings.of("bank", "jdbc:postgresql://h/db", null, null))).isInstanceOf(PostgresTechnology.class);
        assertThat(JdbcParticipants.technologyFor(JdbcParticipantSettings.of("bank", "jdbc:mysql://h/db", null, null))).isInstanceOf(MySqlTechnology.class);
        assertThat(JdbcParticipants.technologyFor(JdbcParticipantSettings.of("bank", "jdbc:h2:file:./db", null, null))).isInstanceOf(H2Technology.class);
    }

    @Test
    void refusesAnUnsupportedUrlNamingTheSupportedPrefixes() {
        JdbcParticipantSettings oracle = JdbcParticipantSettings.of("bank-c", "jdbc:oracle:thin:@h:1521/x", "u", "p");

        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> JdbcParticipants.technologyFor(oracle))
                .satisfies(e -> {
                    assertThat(e.subject()).isEqualTo("participant 'bank-c'");
                    assertThat(e.getMessage()).contains("'jdbc:oracle:thin:@h:1521/x' names no supported database");
                    assertThat(e.action()).contains("Set twophase.participants.jdbc.bank-c.url", "jdbc:postgresql://", "jdbc:mysql://", "jdbc:h2:");
                });
    }

    @Test
    void refusesAMissingUrl() {
        assertThatExceptionOfType(TwophaseStartupException.class)
                .isThrownBy(() -> JdbcParticipants.technologyFor(JdbcParticipantSettings.of("bank-c", null, "u", "p")))
                .withMessageContaining("is missing");
    }

    @Test
    void refusesInconsistentPoolSizesBeforeConnecting() {
        // Port 1 is never a database: reaching the preflight would fail differently.
        String url = "jdbc:postgresql://127.0.0.1:1/db";
        assertThat(poolProblem(url, 5, 2)).contains("min=5, max=2");
        assertThat(poolProblem(url, 0, 0)).contains("min=0, max=0");
        assertThat(poolProblem(url, -1, 5)).contains("min=-1, max=5");
    }

    @Test
    void neverPrintsThePassword() {
        assertThat(JdbcParticipantSettings.of("bank-a", "jdbc:h2:mem:x", "u", "s3cret-pw")).asString().doesNotContain("s3cret-pw");
    }

    private static String poolProblem(String url, int min, int max) {
        JdbcParticipantSettings s = new JdbcParticipantSettings("bank-a", url, "u", "p", min, max, Duration.ofSeconds(1));
        try {
            JdbcParticipants.dataSource(s, TestChains.plain());
        } catch (TwophaseStartupException e) {
            assertThat(e.getMessage()).contains("pool sizes are inconsistent");
            assertThat(e.action()).contains("twophase.participants.jdbc.bank-a.max-pool-size");
            return e.getMessage();
        }
        throw new AssertionError("pool " + min + ".." + max + " was accepted");
    }
}
