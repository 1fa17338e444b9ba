package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.atomikos.icatch.config.Configuration;

import dev.twophase.coordinator.atomikos.ParallelPhases;
import dev.twophase.coordinator.autoconfigure.TwophaseCoordinatorAutoConfiguration;

/**
 * {@code twophase.coordinator.parallel-phases}: through Spring's JtaTransactionManager over a real
 * Atomikos, two participants are prepared at the same time (each prepare waits for the other's at a
 * barrier, which only parallel calls can pass) and committed at the same time when switched on; by
 * default they are called one after the other in the committing thread.
 */
class ParallelPhasesWithAtomikosTest {

    @TempDir
    Path logDir;

    @Test
    void preparesAndCommitsAllParticipantsAtOnceWhenSwitchedOn() {
        CyclicBarrier prepares = new CyclicBarrier(2);
        CyclicBarrier commits = new CyclicBarrier(2);
        Rm a = new Rm("rm-a", prepares, commits);
        Rm b = new Rm("rm-b", prepares, commits);

        atomikos().withPropertyValues("twophase.coordinator.parallel-phases=true").run(ctx -> {
            assertThat(ParallelPhases.active()).isTrue();
            commitOne(ctx.getBean(JtaTransactionManager.class), a, b);
        });

        assertThat(a.calls).containsExactly("prepare", "commit");
        assertThat(b.calls).containsExactly("prepare", "commit");
        assertThat(a.failures).isEmpty();
        assertThat(b.failures).isEmpty();
        // Neither phase ran in the caller's thread.
        assertThat(a.threads).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void oneAfterTheOtherInTheCommittingThreadByDefault() {
        Rm a = new Rm("rm-a", null, null);
        Rm b = new Rm("rm-b", null, null);
        String[] committer = new String[1];

        atomikos().run(ctx -> {
            assertThat(ParallelPhases.active()).isFalse();
            committer[0] = Thread.currentThread().getName();
            commitOne(ctx.getBean(JtaTransactionManager.class), a, b);
        });

        assertThat(a.calls).containsExactly("prepare", "commit");
        assertThat(b.calls).containsExactly("prepare", "commit");
        assertThat(a.threads).containsOnly(committer[0]);
        assertThat(b.threads).containsOnly(committer[0]);
    }

    private static void commitOne(JtaTransactionManager jta, Rm a, Rm b) {
        Configuration.addResource(new FakeAtomikosResource(a.name, () -> a));
        Configuration.addResource(new FakeAtomikosResource(b.name, () -> b));
        new TransactionTemplate(jta).executeWithoutResult(tx -> {
            try {
                assertThat(jta.getTransactionManager().getTransaction().enlistResource(a)).isTrue();
                assertThat(jta.getTransactionManager().getTransaction().enlistResource(b)).isTrue();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private ApplicationContextRunner atomikos() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TwophaseCoordinatorAutoConfiguration.class))
                .withPropertyValues("twophase.coordinator.tm-name=phases-test", "twophase.coordinator.log-dir=" + logDir,
                        "twophase.coordinator.default-timeout=5s", "twophase.coordinator.max-timeout=10s",
                        "twophase.coordinator.recovery-delay=1m", "twophase.coordinator.recovery-interval=1s");
    }

    /** A resource manager that records its calls and their threads and, given barriers, waits at them in prepare and commit. */
    private static final class Rm implements XAResource {
        final String name;
        final CyclicBarrier prepareBarrier;
        final CyclicBarrier commitBarrier;
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        Rm(String name, CyclicBarrier prepareBarrier, CyclicBarrier commitBarrier) {
            this.name = name;
            this.prepareBarrier = prepareBarrier;
            this.commitBarrier = commitBarrier;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            record("prepare", prepareBarrier);
            return XA_OK;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            record(onePhase ? "commit-one-phase" : "commit", commitBarrier);
        }

        private void record(String call, CyclicBarrier barrier) throws XAException {
            calls.add(call);
            threads.add(Thread.currentThread().getName());
            if (barrier != null) {
                try {
                    barrier.await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // Sequential calls never meet at the barrier: fail the call, so the test fails.
                    failures.add(e);
                    XAException failed = new XAException(XAException.XAER_RMERR);
                    failed.initCause(e);
                    throw failed;
                }
            }
        }

        @Override
        public void start(Xid xid, int flags) {
        }

        @Override
        public void end(Xid xid, int flags) {
        }

        @Override
        public void rollback(Xid xid) {
            calls.add("rollback");
        }

        @Override
        public void forget(Xid xid) {
        }

        @Override
        public Xid[] recover(int flag) {
            return new Xid[0];
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }
    }
}
