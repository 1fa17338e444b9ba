package dev.twophase.demo.tx;

import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;

/**
 * The demo's plain (non-XA) connection pools on a participant's database, as its Saga, TCC and outbox
 * flows and its consistency checker use them: a named pool that starts even when the database is down,
 * as the XA participants do (the first use fails instead), and gives up on a connection after
 * {@code connectionTimeout} rather than Hikari's default 30 s. The caller sets the rest (idle sizes).
 */
public final class LocalPools {

    private LocalPools() {
    }

    public static HikariConfig config(String poolName, String url, String username, String password, int maxSize,
            Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(maxSize);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setInitializationFailTimeout(-1);
        return config;
    }
}
