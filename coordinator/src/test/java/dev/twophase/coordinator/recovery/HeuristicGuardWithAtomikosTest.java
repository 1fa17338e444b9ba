package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;

import javax.transaction.xa.XAResource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.HeuristicCompletionException;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.atomikos.icatch.config.Configuration;

import dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;

/**
 * What the application sees when a prepared branch is rolled back behind the coordinator's back,
 * with and without the guard, through Spring's JtaTransactionManager over a real Atomikos.
 */
class HeuristicGuardWithAtomikosTest {

    @TempDir
    Path logDir;

    private final HeuristicRegistry registry = new HeuristicRegistry();
    private final FakeResourceManager bankA = new FakeResourceManager("bankA");
    private final FakeResourceManager bankB = new FakeResourceManager("bankB");

    @Test
    void applicationSeesAHeuristicWhenTheGuardedBranchVanishedAfterPrepare() {
        HeuristicGuard guard = new HeuristicGuard(registry);
        bankB.rollBackEachBranchBehindTheCoordinatorsBackAfterPrepare();

        atomikos().run(ctx -> {
            XAResource[] xa = register(bankA.xaResource(), guard.guard("bankB", bankB.xaResource()),
                    () -> guard.guard("bankB", bankB.xaResource()));
            TransactionTemplate template = new TransactionTemplate(ctx.getBean(JtaTransactionManager.class));

            assertThatExceptionOfType(HeuristicCompletionException.class)
                    .isThrownBy(() -> template.executeWithoutResult(tx -> enlist(ctx.getBean(JtaTransactionManager.class), xa)))
                    .satisfies(e -> assertThat(e.getOutcomeState()).isEqualTo(HeuristicCompletionException.STATE_MIXED));
        });

        assertThat(registry.recent()).singleElement().satisfies(o -> {
            assertThat(o.participant()).isEqualTo("bankB");
            assertThat(o.observed()).isEqualTo(Observed.ROLLED_BACK);
        });
        assertThat(bankA.preparedXids()).isEmpty();
        assertThat(bankB.preparedXids()).isEmpty();
    }

    @Test
    void withoutTheGuardAtomikosReportsSuccessAlthoughOneBranchWasRolledBack() {
        bankB.rollBackEachBranchBehindTheCoordinatorsBackAfterPrepare();

        atomikos().run(ctx -> {
            XAResource[] xa = register(bankA.xaResource(), bankB.xaResource(), bankB::xaResource);
            JtaTransactionManager jta = ctx.getBean(JtaTransactionManager.class);

            new TransactionTemplate(jta).executeWithoutResult(tx -> enlist(jta, xa));
        });

        // One branch committed, the other rolled back, and commit() returned normally: the silent
        // inconsistency the guard exists to report.
        assertThat(registry.total()).isZero();
        assertThat(bankA.preparedXids()).isEmpty();
    }

    private ApplicationContextRunner atomikos() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class))
                .withPropertyValues("twophase.coordinator.tm-name=guard-test", "twophase.coordinator.log-dir=" + logDir,
                        // The heuristic transaction stays in the transaction service; shutdown waits max-timeout for it.
                        "twophase.coordinator.default-timeout=2s", "twophase.coordinator.max-timeout=3s",
                        "twophase.coordinator.recovery-delay=1m", "twophase.coordinator.recovery-interval=1s");
    }

    private XAResource[] register(XAResource forBankA, XAResource forBankB,
            java.util.function.Supplier<XAResource> bankBRecovery) {
        Configuration.addResource(new FakeAtomikosResource("bankA", bankA::xaResource));
        Configuration.addResource(new FakeAtomikosResource("bankB", bankBRecovery));
        return new XAResource[] { forBankA, forBankB };
    }

    private static void enlist(JtaTransactionManager jta, XAResource[] resources) {
        try {
            for (XAResource resource : resources) {
                assertThat(jta.getTransactionManager().getTransaction().enlistResource(resource)).isTrue();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
