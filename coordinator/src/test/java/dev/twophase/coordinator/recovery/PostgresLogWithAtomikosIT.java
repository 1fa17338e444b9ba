package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import javax.transaction.xa.XAResource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.atomikos.icatch.config.Configuration;

import dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration;
import dev.twophase.coordinator.log.OnePhaseAwareLog;

/**
 * Atomikos on the PostgreSQL log store, configured as an application would: two-phase transactions
 * go through the database log (and leave no row once terminated), and while the coordinator runs,
 * its TM name is owned in {@code twophase_log_owner}.
 */
class PostgresLogWithAtomikosIT {

    private static final String URL = env("TWOPHASE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/twophase_it_a");
    private static final String USER = env("TWOPHASE_TEST_PG_USER", "twophase");
    private static final String PASSWORD = env("TWOPHASE_TEST_PG_PASSWORD", "twophase");

    @TempDir
    Path logDir;

    @Test
    void twoPhaseTransactionsAreLoggedInPostgresql() {
        String tm = "pglog-" + ProcessHandle.current().pid();
        FakeResourceManager bankA = new FakeResourceManager("bankA");
        FakeResourceManager bankB = new FakeResourceManager("bankB");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class))
                .withPropertyValues("twophase.coordinator.tm-name=" + tm, "twophase.coordinator.log-dir=" + logDir,
                        "twophase.coordinator.recovery-delay=1m", "twophase.coordinator.recovery-interval=1s",
                        "twophase.coordinator.log-store=postgresql", "twophase.coordinator.log-database.url=" + URL,
                        "twophase.coordinator.log-database.username=" + USER, "twophase.coordinator.log-database.password=" + PASSWORD)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(OnePhaseAwareLog.currentGroupCommitStats().store()).startsWith("PostgreSQL " + URL);
                    assertThat(owner(tm + ".")).as("this process owns its TM name while it runs").isNotNull();
                    Configuration.addResource(new FakeAtomikosResource("bankA", bankA::xaResource));
                    Configuration.addResource(new FakeAtomikosResource("bankB", bankB::xaResource));
                    JtaTransactionManager jta = ctx.getBean(JtaTransactionManager.class);
                    for (int i = 0; i < 3; i++) {
                        commit(jta, bankA.xaResource(), bankB.xaResource());
                    }
                    assertThat(OnePhaseAwareLog.currentGroupCommitStats().records()).isEqualTo(6);
                    assertThat(pendingRows(tm + ".")).isZero();
                });
        assertThat(bankB.calls(FakeResourceManager.Op.COMMIT)).isEqualTo(3);
        assertThat(bankA.preparedXids()).isEmpty();
    }

    private static void commit(JtaTransactionManager jta, XAResource... resources) {
        new TransactionTemplate(jta).executeWithoutResult(tx -> {
            try {
                for (XAResource resource : resources) {
                    assertThat(jta.getTransactionManager().getTransaction().enlistResource(resource)).isTrue();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String owner(String tm) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
                PreparedStatement ps = c.prepareStatement("SELECT owner FROM twophase_log_owner WHERE tm_name = ? AND lease_until > now()")) {
            ps.setString(1, tm);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static int pendingRows(String tm) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD);
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM twophase_log_record WHERE tm_name = ?")) {
            ps.setString(1, tm);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
