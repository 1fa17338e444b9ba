package dev.twophase.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Phase timers per participant reach a registry bound after the resource was decorated. */
class XaPhaseMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final XaPhaseMetrics metrics = new XaPhaseMetrics();

    @AfterEach
    void unbind() {
        metrics.close();
    }

    @Test
    void timesPrepareAndCommitAndTagsFailuresWithTheXaCode() throws Exception {
        XAResource wrapped = metrics.link("bank-x", new Stub(), null);
        wrapped.prepare(null); // a call before binding goes nowhere but must not fail
        metrics.bindTo(registry);

        wrapped.prepare(null);
        wrapped.commit(null, false);
        wrapped.commit(null, true);
        assertThatThrownBy(() -> wrapped.rollback(null)).isInstanceOf(XAException.class);

        assertThat(count("prepare", "ok")).isEqualTo(1);
        assertThat(count("commit", "ok")).isEqualTo(1);
        assertThat(count("commit_one_phase", "ok")).isEqualTo(1);
        assertThat(count("rollback", "XAER_RMFAIL")).isEqualTo(1);

        // A registry bound later still gets the timers that already exist.
        SimpleMeterRegistry later = new SimpleMeterRegistry();
        metrics.bindTo(later);
        try {
            wrapped.prepare(null);
            assertThat(later.find(XaPhaseMetrics.TIMER).tag("participant", "bank-x").tag("phase", "prepare").tag("outcome", "ok")
                    .timer().count()).isEqualTo(1);
            assertThat(count("prepare", "ok")).isEqualTo(2);
        } finally {
            metrics.unbind(later);
        }
    }

    private long count(String phase, String outcome) {
        var timer = registry.find(XaPhaseMetrics.TIMER).tag("participant", "bank-x").tag("phase", phase).tag("outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    private static final class Stub implements XAResource {
        @Override
        public void commit(Xid xid, boolean onePhase) {
        }

        @Override
        public void end(Xid xid, int flags) {
        }

        @Override
        public void forget(Xid xid) {
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean isSameRM(XAResource xares) {
            return xares == this;
        }

        @Override
        public int prepare(Xid xid) {
            return XA_OK;
        }

        @Override
        public Xid[] recover(int flag) {
            return new Xid[0];
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            throw new XAException(XAException.XAER_RMFAIL);
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }

        @Override
        public void start(Xid xid, int flags) {
        }
    }
}
