package dev.twophase.participants.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresTechnologyTest {

    @Test
    void refusesDisabledPreparedTransactions() {
        assertThat(PostgresTechnology.problemWith(0, 10))
                .contains("max_prepared_transactions = 0").contains("PREPARE TRANSACTION");
    }

    @Test
    void refusesFewerPreparedTransactionsThanPooledConnections() {
        assertThat(PostgresTechnology.problemWith(10, 20))
                .contains("max_prepared_transactions = 10").contains("smaller than the pool (20 connections)");
    }

    @Test
    void acceptsAtLeastOnePreparedTransactionPerPooledConnection() {
        assertThat(PostgresTechnology.problemWith(20, 20)).isNull();
        assertThat(PostgresTechnology.problemWith(100, 20)).isNull();
    }

    @Test
    void fixNamesTheStatementAndTheRestart() {
        assertThat(PostgresTechnology.fix(64, "twophase.participants.jdbc.orders.max-pool-size"))
                .contains("ALTER SYSTEM SET max_prepared_transactions = 64")
                .contains("restart").contains("twophase.participants.jdbc.orders.max-pool-size");
    }

    @Test
    void acceptsOnlyPostgresUrls() {
        PostgresTechnology pg = new PostgresTechnology();
        assertThat(pg.accepts("jdbc:postgresql://h/db")).isTrue();
        assertThat(pg.accepts("jdbc:mysql://h/db")).isFalse();
    }
}
