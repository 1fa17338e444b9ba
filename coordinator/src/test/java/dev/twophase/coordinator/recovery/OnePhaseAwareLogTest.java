package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.transaction.xa.XAResource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.atomikos.icatch.config.Configuration;
import com.atomikos.recovery.RecoveryLog;

import dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration;
import dev.twophase.coordinator.log.OnePhaseAwareLog;

/**
 * The coordinator's log over a real Atomikos: a transaction with two participants leaves its
 * COMMITTING and TERMINATED records in {@code tmlog*.log}; one with a single participant, committed
 * in one phase, leaves none, and its participant still commits.
 */
class OnePhaseAwareLogTest {

    @TempDir
    Path logDir;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"file", "atomikos"})
    void logsTwoPhaseTransactionsButNotOnePhaseOnes(String store) throws IOException {
        FakeResourceManager bankA = new FakeResourceManager("bankA");
        FakeResourceManager bankB = new FakeResourceManager("bankB");
        List<String> twoPhase = new ArrayList<>();
        List<String> onePhase = new ArrayList<>();

        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class))
                .withPropertyValues("twophase.coordinator.tm-name=log-test", "twophase.coordinator.log-dir=" + logDir,
                        "twophase.coordinator.recovery-delay=1m", "twophase.coordinator.recovery-interval=1s",
                        "twophase.coordinator.log-store=" + store)
                .run(ctx -> {
                    assertThat(Configuration.getRecoveryLog()).isInstanceOf(OnePhaseAwareLog.class);
                    // The group-commit log under the default store, Atomikos's own (which counts nothing) otherwise.
                    assertThat(OnePhaseAwareLog.currentGroupCommitStats() != null).isEqualTo(store.equals("file"));
                    Configuration.addResource(new FakeAtomikosResource("bankA", bankA::xaResource));
                    Configuration.addResource(new FakeAtomikosResource("bankB", bankB::xaResource));
                    JtaTransactionManager jta = ctx.getBean(JtaTransactionManager.class);
                    for (int i = 0; i < 3; i++) {
                        twoPhase.add(commit(jta, bankA.xaResource(), bankB.xaResource()));
                        onePhase.add(commit(jta, bankA.xaResource()));
                    }
                    RecoveryLog log = Configuration.getRecoveryLog();
                    assertThat(log.getPendingTransactionRecords()).isEmpty();
                    if (store.equals("file")) {
                        // COMMITTING and TERMINATED of each two-phase transaction, one at a time: six forces.
                        assertThat(OnePhaseAwareLog.currentGroupCommitStats().records()).isEqualTo(6);
                        assertThat(OnePhaseAwareLog.currentGroupCommitStats().forces()).isEqualTo(6);
                    }
                });

        String written = logText();
        for (String tid : twoPhase) {
            assertThat(written).contains(tid + "|COMMITTING").contains(tid + "|TERMINATED");
        }
        for (String tid : onePhase) {
            assertThat(written).doesNotContain(tid);
        }
        assertThat(bankA.calls(FakeResourceManager.Op.COMMIT)).isEqualTo(6);
        assertThat(bankA.calls(FakeResourceManager.Op.PREPARE)).isEqualTo(3);
        assertThat(bankB.calls(FakeResourceManager.Op.COMMIT)).isEqualTo(3);
        assertThat(bankA.preparedXids()).isEmpty();
    }

    private static String commit(JtaTransactionManager jta, XAResource... resources) {
        return new TransactionTemplate(jta).execute(tx -> {
            try {
                for (XAResource resource : resources) {
                    assertThat(jta.getTransactionManager().getTransaction().enlistResource(resource)).isTrue();
                }
                return Configuration.getCompositeTransactionManager().getCompositeTransaction().getTid();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String logText() throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("tmlog.*\\.log")).toList()) {
                text.append(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }

}
