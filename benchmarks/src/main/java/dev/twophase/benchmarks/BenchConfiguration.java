package dev.twophase.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.twophase.participants.artemis.ArtemisParticipant;

/**
 * The participants of every mode, side by side in one application context: the coordinator and
 * the XA participants from twophase's auto-configuration, exactly as an application gets them
 * from {@code twophase.participants.*} (see {@link #participantProperties}), and plain pools and a
 * plain cached JMS factory on the same servers for the baselines.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class BenchConfiguration {

    static final String BANK_A = "bench-a";
    static final String BANK_B = "bench-b";
    static final String BROKER = "bench-broker";

    /**
     * The XA participants {@value #BANK_A}, {@value #BANK_B} and {@value #BROKER} as properties of the
     * starter: every pool holds {@code poolSize} connections from the start (min = max), so a
     * measurement never waits for a pool to grow.
     */
    static Map<String, Object> participantProperties(BenchSettings s) {
        Map<String, Object> p = new LinkedHashMap<>();
        jdbc(p, BANK_A, s.pgUrl(), s.pgUser(), s.pgPassword(), s.poolSize());
        jdbc(p, BANK_B, s.mysqlUrl(), s.mysqlUser(), s.mysqlPassword(), s.poolSize());
        p.put("twophase.participants.jms." + BROKER + ".url", s.brokerUrl());
        p.put("twophase.participants.jms." + BROKER + ".max-pool-size", s.poolSize());
        return p;
    }

    private static void jdbc(Map<String, Object> p, String name, String url, String user, String password, int poolSize) {
        String prefix = "twophase.participants.jdbc." + name + ".";
        p.put(prefix + "url", url);
        if (user != null) {
            p.put(prefix + "username", user);
        }
        if (password != null) {
            p.put(prefix + "password", password);
        }
        p.put(prefix + "min-pool-size", poolSize);
        p.put(prefix + "max-pool-size", poolSize);
    }

    @Bean(destroyMethod = "close")
    HikariDataSource localBankA(BenchSettings s) {
        return hikari("local-a", s.pgUrl(), s.pgUser(), s.pgPassword(), s.poolSize());
    }

    @Bean(destroyMethod = "close")
    HikariDataSource localBankB(BenchSettings s) {
        return hikari("local-b", s.mysqlUrl(), s.mysqlUser(), s.mysqlPassword(), s.poolSize());
    }

    @Bean(destroyMethod = "destroy")
    CachingConnectionFactory localBroker(BenchSettings s) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(s.brokerUrl());
        // A persistent send outside a transaction returns once the broker has journalled it (Artemis's default, made explicit).
        factory.setBlockOnDurableSend(true);
        CachingConnectionFactory cached = new CachingConnectionFactory(factory);
        cached.setSessionCacheSize(s.poolSize());
        cached.setCacheProducers(true);
        return cached;
    }

    @Bean
    Participants participants(@Qualifier(BANK_A) JdbcTemplate xaBankA, @Qualifier(BANK_B) JdbcTemplate xaBankB,
            @Qualifier(BROKER) JmsTemplate xaJms,
            @Qualifier("localBankA") HikariDataSource localBankA, @Qualifier("localBankB") HikariDataSource localBankB,
            CachingConnectionFactory localBroker, JtaTransactionManager jta) {
        // xaJms is the starter's transacted template (the demo's too): with JTA the session joins the global transaction.
        JmsTemplate plainJms = new JmsTemplate(localBroker);
        plainJms.setDestinationResolver(ArtemisParticipant.destinationResolver());
        plainJms.setSessionTransacted(false);
        plainJms.setExplicitQosEnabled(true);
        plainJms.setDeliveryPersistent(true);
        return new Participants(xaBankA, xaBankB, xaJms, new TransactionTemplate(jta),
                new JdbcTemplate(localBankA), new JdbcTemplate(localBankB), plainJms,
                new TransactionTemplate(new DataSourceTransactionManager(localBankA)),
                new TransactionTemplate(new DataSourceTransactionManager(localBankB)));
    }

    private static HikariDataSource hikari(String name, String url, String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        // Connections stay in manual-commit mode, so a transaction costs no autocommit switch (a round trip on MySQL).
        config.setAutoCommit(false);
        return new HikariDataSource(config);
    }

    /** The templates each mode runs its statements with. */
    record Participants(JdbcTemplate xaA, JdbcTemplate xaB, JmsTemplate xaJms, TransactionTemplate jta,
            JdbcTemplate localA, JdbcTemplate localB, JmsTemplate plainJms, TransactionTemplate localTxA,
            TransactionTemplate localTxB) {

        /** Runs one transfer the way {@code mode} does. */
        void transfer(Mode mode, TransferWork.Transfer t) {
            switch (mode) {
                case XA_DBS_BROKER -> jta.executeWithoutResult(st -> {
                    crossBank(xaA, xaB, t);
                    TransferWork.publish(xaJms, t);
                });
                case XA_DBS -> jta.executeWithoutResult(st -> crossBank(xaA, xaB, t));
                case BASELINE -> {
                    localTxA.executeWithoutResult(st -> {
                        TransferWork.register(localA, t);
                        bankASide(localA, t);
                    });
                    localTxB.executeWithoutResult(st -> bankBSide(localB, t));
                    TransferWork.publish(plainJms, t);
                }
                case ONE_PHASE_XA -> jta.executeWithoutResult(st -> sameBank(xaA, t));
                case LOCAL -> localTxA.executeWithoutResult(st -> sameBank(localA, t));
                case NARAYANA_DBS_BROKER -> throw new IllegalArgumentException("mode n-a runs on NarayanaPeer, not on twophase's participants");
                case DEMO_XA, DEMO_SAGA, DEMO_TCC, DEMO_OUTBOX -> throw new IllegalArgumentException("mode " + mode.key()
                        + " runs in the demo application (DemoApp), not on the benchmark's participants");
            }
        }

        /** Bank A's rows first (the demo's lock order: bank A before bank B). */
        static void crossBank(JdbcTemplate a, JdbcTemplate b, TransferWork.Transfer t) {
            TransferWork.register(a, t);
            bankASide(a, t);
            bankBSide(b, t);
        }

        private static void bankASide(JdbcTemplate a, TransferWork.Transfer t) {
            if (t.fromBank().equals("A")) {
                TransferWork.debit(a, t);
            } else {
                TransferWork.credit(a, t);
            }
        }

        private static void bankBSide(JdbcTemplate b, TransferWork.Transfer t) {
            if (t.fromBank().equals("B")) {
                TransferWork.debit(b, t);
            } else {
                TransferWork.credit(b, t);
            }
        }

        /** Both accounts in one bank, locked in id order. */
        private static void sameBank(JdbcTemplate a, TransferWork.Transfer t) {
            TransferWork.register(a, t);
            if (t.from().compareTo(t.to()) < 0) {
                TransferWork.debit(a, t);
                TransferWork.credit(a, t);
            } else {
                TransferWork.credit(a, t);
                TransferWork.debit(a, t);
            }
        }
    }

}
