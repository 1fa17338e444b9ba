package dev.twophase.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.XADataSource;

import org.apache.activemq.artemis.jms.client.ActiveMQXAConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolXAConnectionFactory;
import org.postgresql.xa.PGXADataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.coordinator.TransactionReaper;
import com.arjuna.ats.arjuna.objectstore.StoreManager;
import com.arjuna.ats.internal.arjuna.objectstore.hornetq.HornetqJournalEnvironmentBean;
import com.arjuna.ats.internal.arjuna.objectstore.hornetq.HornetqObjectStoreAdaptor;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import com.mysql.cj.jdbc.MysqlXADataSource;

import dev.twophase.participants.artemis.ArtemisParticipant;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.agroal.narayana.NarayanaTransactionIntegration;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * The peer of mode {@code a}: the same transfer over the same PostgreSQL, MySQL and broker, with
 * Narayana as the JTA transaction manager in the setup its own integrations recommend (what Quarkus
 * ships): Narayana's journal object store (the Artemis journal, forced writes, in the work
 * directory), Agroal pools with Agroal's Narayana integration for both databases (XA data sources,
 * min = max = the benchmark's pool size, no validation on borrow), and pooled-jms's XA factory
 * enlisting broker sessions with Narayana's transaction manager (one connection, sessions and
 * producers reused). Spring's {@link JtaTransactionManager} over Narayana's runs each transfer, as
 * Spring's over Atomikos does for mode a.
 *
 * <p>Narayana's recovery manager is not started: it scans every two minutes by default and the
 * benchmark's measurements leave nothing in doubt. Narayana keeps its state in static singletons,
 * so one peer per JVM; it starts after twophase's context has closed, so the databases never hold
 * both sets of XA pools at once (PostgreSQL allows 100 connections by default).
 */
final class NarayanaPeer implements AutoCloseable {

    private final AgroalDataSource bankA;
    private final AgroalDataSource bankB;
    private final JmsPoolXAConnectionFactory broker;
    private final TransactionTemplate jta;
    private final JdbcTemplate a;
    private final JdbcTemplate b;
    private final JmsTemplate jms;
    private final String store;

    private NarayanaPeer(AgroalDataSource bankA, AgroalDataSource bankB, JmsPoolXAConnectionFactory broker, TransactionTemplate jta,
            String store) {
        this.bankA = bankA;
        this.bankB = bankB;
        this.broker = broker;
        this.jta = jta;
        this.a = new JdbcTemplate(bankA);
        this.b = new JdbcTemplate(bankB);
        this.jms = new JmsTemplate(broker);
        // The XA session is enlisted by the pool when it is created inside the transaction; it must not commit locally.
        jms.setSessionTransacted(false);
        jms.setDestinationResolver(ArtemisParticipant.destinationResolver());
        jms.setExplicitQosEnabled(true);
        jms.setDeliveryPersistent(true);
        this.store = store;
    }

    /** Configures Narayana (journal store under {@code workDir}), opens the pools and the broker factory. */
    static NarayanaPeer start(BenchSettings s) throws Exception {
        Path storeDir = s.workDir().resolve("narayana-store-" + ProcessHandle.current().pid());
        Files.createDirectories(storeDir);
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("bench-narayana");
        HornetqJournalEnvironmentBean journalSettings = BeanPopulator.getDefaultInstance(HornetqJournalEnvironmentBean.class);
        journalSettings.setStoreDir(storeDir.resolve("journal").toString());
        // NIO on every machine (AIO needs libaio, which most of ours lack): the same journal type wherever the benchmark runs.
        journalSettings.setAsyncIO(false);
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreType(HornetqObjectStoreAdaptor.class.getName());
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "default").setObjectStoreType(HornetqObjectStoreAdaptor.class.getName());
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(storeDir.resolve("communication").toString());
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(storeDir.resolve("state").toString());

        TransactionManager tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        TransactionSynchronizationRegistry tsr = jtaPropertyManager.getJTAEnvironmentBean().getTransactionSynchronizationRegistry();
        JtaTransactionManager spring = new JtaTransactionManager(com.arjuna.ats.jta.UserTransaction.userTransaction(), tm);
        spring.setTransactionSynchronizationRegistry(tsr);
        spring.afterPropertiesSet();

        AgroalDataSource bankA = null;
        AgroalDataSource bankB = null;
        try {
            bankA = pool(PGXADataSource.class, s.pgUrl(), s.pgUser(), s.pgPassword(), s.poolSize(), tm, tsr);
            bankB = pool(MysqlXADataSource.class, s.mysqlUrl(), s.mysqlUser(), s.mysqlPassword(), s.poolSize(), tm, tsr);
            JmsPoolXAConnectionFactory broker = new JmsPoolXAConnectionFactory();
            ActiveMQXAConnectionFactory artemis = new ActiveMQXAConnectionFactory(s.brokerUrl());
            broker.setConnectionFactory(artemis);
            broker.setTransactionManager(tm);
            broker.setMaxConnections(1);
            broker.setMaxSessionsPerConnection(Math.max(500, 2 * s.poolSize()));
            HornetqJournalEnvironmentBean journal = BeanPopulator.getDefaultInstance(HornetqJournalEnvironmentBean.class);
            String store = "Narayana's journal object store (Artemis journal, " + (journal.isAsyncIO() ? "AIO" : "NIO")
                    + ", syncWrites=" + journal.isSyncWrites() + ", syncDeletes=" + journal.isSyncDeletes() + ")";
            return new NarayanaPeer(bankA, bankB, broker, new TransactionTemplate(spring), store);
        } catch (Exception | Error e) {
            if (bankA != null) {
                bankA.close();
            }
            if (bankB != null) {
                bankB.close();
            }
            throw e;
        }
    }

    private static AgroalDataSource pool(Class<? extends XADataSource> xaDataSource, String url, String user, String password, int size,
            TransactionManager tm, TransactionSynchronizationRegistry tsr) throws SQLException {
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(size)
                        .minSize(size)
                        .maxSize(size)
                        .acquisitionTimeout(Duration.ofSeconds(30))
                        .transactionIntegration(new NarayanaTransactionIntegration(tm, tsr))
                        .connectionFactoryConfiguration(factory -> factory
                                .connectionProviderClass(xaDataSource)
                                .jdbcUrl(url)
                                .principal(user == null ? null : new NamePrincipal(user))
                                .credential(password == null ? null : new SimplePassword(password))));
        return AgroalDataSource.from(config);
    }

    /** What the report says about this peer's store and pools. */
    String describe() {
        return "Narayana " + Report.version(com.arjuna.ats.jta.TransactionManager.class) + " (JTA, two phases one participant after the other); " + store
                + "; Agroal " + Report.version(AgroalDataSource.class) + " XA pools with its Narayana integration; broker: pooled-jms XA factory"
                + " (sessions and producers reused)";
    }

    /** One transfer in mode n-a: the statements and the event of mode a, in one Narayana transaction. */
    void transfer(TransferWork.Transfer t) {
        jta.executeWithoutResult(st -> {
            BenchConfiguration.Participants.crossBank(a, b, t);
            TransferWork.publish(jms, t);
        });
    }

    @Override
    public void close() {
        broker.stop();
        bankA.close();
        bankB.close();
        TransactionReaper.terminate(false);
        StoreManager.shutdown();
    }
}
