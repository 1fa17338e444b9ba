package dev.twophase.participants.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.TwophaseStartupException;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.participants.JdbcParticipantSettings;

class MySqlTechnologyTest {

    private static final JdbcParticipantSettings BANK_B =
            JdbcParticipantSettings.of("bank-b", "jdbc:mysql://db:3306/bank_b", "app", "secret");

    @Test
    void xaSqlNamesTheBranchWithHexLiteralsSoAnyBytesNeedNoQuoting() {
        PlainXid xid = new PlainXid(4660, "it-1.1'".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[] {0, (byte) 0xff});

        assertThat(MySqlTechnology.xaSql(xid)).isEqualTo("X'69742d312e3127',X'00ff',4660");
    }

    @Test
    void refusesMariaDbBefore105BecauseItDropsPreparedBranchesOnDisconnect() {
        assertThat(MySqlTechnology.versionProblem("10.4.32-MariaDB")).contains("MariaDB 10.4.32-MariaDB").contains("10.5");
        assertThat(MySqlTechnology.versionProblem("5.5.5-10.4.32-MariaDB")).isNotNull();
    }

    @Test
    void acceptsMariaDb1011() {
        assertThat(MySqlTechnology.versionProblem("10.11.19-MariaDB-0+deb12u1")).isNull();
        assertThat(MySqlTechnology.versionProblem("10.5.0-MariaDB")).isNull();
    }

    @Test
    void refusesMySqlBefore8() {
        assertThat(MySqlTechnology.versionProblem("5.7.44")).contains("MySQL 5.7.44").contains("8.0");
    }

    @Test
    void acceptsMySql8() {
        assertThat(MySqlTechnology.versionProblem("8.4.0")).isNull();
        assertThat(MySqlTechnology.versionProblem("8.0.36-0ubuntu0.22.04.1")).isNull();
    }

    @Test
    void tellsTheAdministratorTheGrantWhenXaRecoverIsDenied() {
        SQLException denied = new SQLException(
                "Access denied; you need (at least one of) the XA_RECOVER_ADMIN privilege(s) for this operation", "42000", 1227);

        TwophaseStartupException e = MySqlTechnology.recoverRefused(BANK_B, "participant 'bank-b'", denied);

        assertThat(e.getMessage()).startsWith("participant 'bank-b': user 'app' may not run XA RECOVER")
                .contains("XA_RECOVER_ADMIN");
        assertThat(e.action()).contains("GRANT XA_RECOVER_ADMIN ON *.* TO 'app'@");
        assertThat(e.getCause()).isSameAs(denied);
    }

    @Test
    void reportsOtherXaRecoverFailuresWithSqlStateAndVendorCode() {
        SQLException other = new SQLException("Lost connection", "08S01", 2013);

        TwophaseStartupException e = MySqlTechnology.recoverRefused(BANK_B, "participant 'bank-b'", other);

        assertThat(e.getMessage()).contains("XA RECOVER failed").contains("SQLState 08S01").contains("vendor code 2013");
        assertThat(e.action()).doesNotContain("GRANT");
        assertThat(e.getCause()).isSameAs(other);
    }
}
