package dev.twophase.participants.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void readsHostAndPortOfAPostgresUrl() {
        assertThat(Endpoint.fromJdbcUrl("jdbc:postgresql://db.example:6543/bank_a", 5432))
                .isEqualTo(new Endpoint("db.example", 6543));
    }

    @Test
    void fillsInTheDefaultPortWhenTheUrlHasNone() {
        assertThat(Endpoint.fromJdbcUrl("jdbc:postgresql://db.example/bank_a", 5432)).hasToString("db.example:5432");
    }

    @Test
    void keepsTheBracketsOfAnIpv6Host() {
        assertThat(Endpoint.fromJdbcUrl("jdbc:postgresql://[::1]:5433/bank_a", 5432)).isEqualTo(new Endpoint("[::1]", 5433));
        assertThat(Endpoint.fromJdbcUrl("jdbc:mysql://[fe80::1]/bank_b", 3306)).hasToString("[fe80::1]:3306");
    }

    @Test
    void ignoresTheParametersOfAMySqlUrl() {
        assertThat(Endpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1:3307/twophase_it_b?sslMode=DISABLED&allowPublicKeyRetrieval=true", 3306))
                .isEqualTo(new Endpoint("127.0.0.1", 3307));
        assertThat(Endpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1?sslMode=DISABLED", 3306)).isEqualTo(new Endpoint("127.0.0.1", 3306));
    }

    @Test
    void readsTheFirstHostOfAMultiHostUrl() {
        assertThat(Endpoint.fromJdbcUrl("jdbc:mysql:replication://primary:3310,replica:3311/db", 3306))
                .isEqualTo(new Endpoint("primary", 3310));
    }

    @Test
    void fallsBackToLocalhostForUrlsWithoutAHost() {
        assertThat(Endpoint.fromJdbcUrl("jdbc:h2:file:./target/db", 0)).isEqualTo(new Endpoint("localhost", 0));
        assertThat(Endpoint.fromJdbcUrl(null, 5432)).isEqualTo(new Endpoint("localhost", 5432));
    }

    @Test
    void treatsARefusedSocketAndAConnectionSqlStateAsUnreachable() {
        assertThat(Endpoint.unreachable(new SQLException("wrapped", "XX000", new ConnectException("Connection refused")))).isTrue();
        assertThat(Endpoint.unreachable(new SQLException("Connection attempt failed", "08001"))).isTrue();
    }

    @Test
    void doesNotTreatARefusedLoginAsUnreachable() {
        assertThat(Endpoint.unreachable(new SQLException("password authentication failed for user \"x\"", "28P01"))).isFalse();
        assertThat(Endpoint.unreachable(new SQLException("Authentication failed", "08004"))).isFalse();
        assertThat(Endpoint.unreachable(new SQLException("relation does not exist", "42P01"))).isFalse();
    }
}
