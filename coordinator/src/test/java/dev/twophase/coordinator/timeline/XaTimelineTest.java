package dev.twophase.coordinator.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.xa.PlainXid;

/**
 * What the timeline keeps of a transaction: each participant's calls in the order they began, a
 * prepare's vote, the coordinator's log records between the phases, the outcome; and only the
 * most recent transactions.
 */
class XaTimelineTest {

    private final XaTimeline timeline = new XaTimeline(2);

    @AfterEach
    void close() throws Exception {
        timeline.close();
    }

    @Test
    void aTwoPhaseCommitInTheOrderItHappenedWithTheVotesAndTheDecision() throws Exception {
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK), null);
        XAResource b = timeline.link("bank-b", new Participant(XAResource.XA_RDONLY), null);
        Xid xa = xid("tm.1", "a");
        Xid xb = xid("tm.1", "b");

        timeline.label("tm.1", "transfer");
        a.start(xa, XAResource.TMNOFLAGS);
        b.start(xb, XAResource.TMNOFLAGS);
        a.end(xa, XAResource.TMSUCCESS);
        b.end(xb, XAResource.TMSUCCESS);
        assertThat(a.prepare(xa)).isEqualTo(XAResource.XA_OK);
        assertThat(b.prepare(xb)).isEqualTo(XAResource.XA_RDONLY);
        assertThat(timeline.find("tm.1").orElseThrow().outcome()).isEqualTo("prepared");
        long logged = System.nanoTime();
        timeline.recordStep("tm.1", XaTimeline.COORDINATOR, "log COMMITTING", logged, logged + 1_000, "ok");
        a.commit(xa, false);

        XaTimeline.Transaction tx = timeline.find("tm.1").orElseThrow();
        assertThat(tx.outcome()).isEqualTo("committed");
        assertThat(tx.steps()).extracting(s -> s.actor() + " " + s.step() + " " + s.result()).containsExactly(
                "bank-a start ok", "bank-b start ok", "bank-a end ok", "bank-b end ok",
                "bank-a prepare yes", "bank-b prepare read-only", "coordinator log COMMITTING ok", "bank-a commit ok");
        assertThat(tx.steps()).isSortedAccordingTo(java.util.Comparator.comparingLong(XaTimeline.Step::atMicros));
        assertThat(tx.steps().get(0).atMicros()).isZero();
        assertThat(tx.action()).isEqualTo("transfer");
        assertThat(tx.steps()).extracting(XaTimeline.Step::branch).containsOnly("a", "b", null);
    }

    @Test
    void aNoVoteAndTheRollbacksThatFollowIt() throws Exception {
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK), null);
        XAResource b = timeline.link("bank-b", new Participant(-1), null);
        Xid xa = xid("tm.2", "a");
        Xid xb = xid("tm.2", "b");

        a.prepare(xa);
        assertThatThrownBy(() -> b.prepare(xb)).isInstanceOf(XAException.class);
        a.rollback(xa);

        XaTimeline.Transaction tx = timeline.find("tm.2").orElseThrow();
        assertThat(tx.outcome()).isEqualTo("rolled back");
        assertThat(tx.steps()).extracting(s -> s.actor() + " " + s.step() + " " + s.result())
                .containsExactly("bank-a prepare yes", "bank-b prepare no: XA_RBROLLBACK", "bank-a rollback ok");
    }

    @Test
    void aCommitThatFailsOnOneParticipantIsAFailureWhateverTheOthersDid() throws Exception {
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK), null);
        XAResource b = timeline.link("bank-b", new Participant(XAResource.XA_OK, XAException.XAER_RMFAIL), null);
        a.prepare(xid("tm.3", "a"));
        b.prepare(xid("tm.3", "b"));
        a.commit(xid("tm.3", "a"), false);
        assertThatThrownBy(() -> b.commit(xid("tm.3", "b"), false)).isInstanceOf(XAException.class);
        assertThat(timeline.find("tm.3").orElseThrow().outcome()).isEqualTo("failed");

        // Recovery's retry commits it: each participant's last answer decides.
        XAResource retried = timeline.link("bank-b", new Participant(XAResource.XA_OK), null);
        retried.commit(xid("tm.3", "b"), false);
        assertThat(timeline.find("tm.3").orElseThrow().outcome()).isEqualTo("committed");
    }

    @Test
    void everyParticipantReadOnlyIsNeitherCommittedNorPending() throws Exception {
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_RDONLY), null);
        XAResource b = timeline.link("bank-b", new Participant(XAResource.XA_RDONLY), null);
        a.prepare(xid("tm.4", "a"));
        b.prepare(xid("tm.4", "b"));
        assertThat(timeline.find("tm.4").orElseThrow().outcome()).isEqualTo("read-only");
    }

    @Test
    void aLabelWithoutATransactionIsIgnored() throws Exception {
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK), null);
        timeline.label(null, "nothing"); // no transaction: nothing kept for it
        assertThat(timeline.recent(10)).isEmpty();
        assertThat(a.prepare(xid("tm.5", "a"))).isEqualTo(XAResource.XA_OK);
        assertThat(timeline.recent(10)).extracting(XaTimeline.Transaction::gtrid).containsExactly("tm.5");
    }

    @Test
    void aLongFlowStillShowsHowItEnded() {
        long t = System.nanoTime();
        for (int i = 0; i < XaTimeline.MAX_STEPS + 10; i++) {
            timeline.recordStep("flow-1", "bank-a", "debit action", t + i, t + i + 1, "skipped: duplicate");
        }
        timeline.recordStep("flow-1", XaTimeline.COORDINATOR, "log DONE", t + 500, t + 501, "ok");
        XaTimeline.Transaction tx = timeline.find("flow-1").orElseThrow();
        assertThat(tx.steps()).hasSize(XaTimeline.MAX_STEPS + 1);
        assertThat(tx.outcome()).isEqualTo("done");
    }

    @Test
    void keepsOnlyTheMostRecentTransactionsNewestFirst() throws Exception {
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK), null);
        for (String gtrid : List.of("tm.10", "tm.11", "tm.12")) {
            a.commit(xid(gtrid, "a"), true);
        }
        assertThat(timeline.recent(10)).extracting(XaTimeline.Transaction::gtrid).containsExactly("tm.12", "tm.11");
        assertThat(timeline.recent(1)).extracting(XaTimeline.Transaction::outcome).containsExactly("committed");
        assertThat(timeline.find("tm.10")).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> new XaTimeline(0)).withMessageContaining("at least 1");
    }

    @Test
    void oneParticipantTransactionsMakeRoomBeforeATwoPhaseCommitDoes() throws Exception {
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK), null);
        XAResource b = timeline.link("bank-b", new Participant(XAResource.XA_OK), null);
        a.prepare(xid("tm.20", "a"));
        b.prepare(xid("tm.20", "b"));
        for (String read : List.of("tm.21", "tm.22", "tm.23")) {
            a.commit(xid(read, "a"), true);
        }
        assertThat(timeline.recent(10)).extracting(XaTimeline.Transaction::gtrid).containsExactly("tm.23", "tm.20");
        assertThat(timeline.recent(10, 2)).extracting(XaTimeline.Transaction::gtrid).containsExactly("tm.20");
    }

    @Test
    void aBranchARecoveryScanFindsIsInDoubtUntilRecoveryEndsItAndIsKeptAndShownWithOneParticipant() throws Exception {
        Xid ours = xid("tm.30", "a");
        Xid foreign = new PlainXid(131077, "other".getBytes(StandardCharsets.ISO_8859_1), "x".getBytes(StandardCharsets.ISO_8859_1));
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK, 0, ours, foreign), null);

        a.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        a.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN); // a second scan before recovery acts adds nothing
        assertThat(timeline.find("tm.30").orElseThrow().outcome()).isEqualTo(XaTimeline.IN_DOUBT);
        assertThat(timeline.find("other")).isEmpty();
        a.rollback(ours);
        for (String read : List.of("tm.31", "tm.32", "tm.33")) {
            a.commit(xid(read, "a"), true);
        }

        XaTimeline.Transaction tx = timeline.find("tm.30").orElseThrow();
        assertThat(tx.outcome()).isEqualTo("rolled back");
        assertThat(tx.steps()).extracting(s -> s.actor() + " " + s.step() + " " + s.result() + " " + s.branch())
                .containsExactly("bank-a recover in doubt a", "bank-a rollback ok a");
        assertThat(timeline.recent(10, 2)).extracting(XaTimeline.Transaction::gtrid).containsExactly("tm.30");
    }

    @Test
    void aScanDuringAPreparedTransactionOfThisProcessIsNotADoubtButAFailedCommitThatRecoveryRetriesIs() throws Exception {
        Xid live = xid("tm.40", "a");
        Xid failed = xid("tm.41", "a");
        XAResource a = timeline.link("bank-a", new Participant(XAResource.XA_OK, XAException.XAER_RMFAIL, live, failed), null);
        a.prepare(live);
        a.prepare(failed);
        assertThatThrownBy(() -> a.commit(failed, false)).isInstanceOf(XAException.class);

        a.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);

        assertThat(timeline.find("tm.40").orElseThrow().steps()).extracting(XaTimeline.Step::step).containsExactly("prepare");
        assertThat(timeline.find("tm.41").orElseThrow().steps()).extracting(s -> s.step() + " " + s.result())
                .containsExactly("prepare yes", "commit XAER_RMFAIL", "recover in doubt");
    }

    private static Xid xid(String gtrid, String bqual) {
        return new PlainXid(XaTimeline.ATOMIKOS_FORMAT, gtrid.getBytes(StandardCharsets.ISO_8859_1), bqual.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Votes {@code vote} at prepare ({@code -1}: no, XA_RBROLLBACK); commit fails with {@code commitError} unless 0. */
    private record Participant(int vote, int commitError, Xid... prepared) implements XAResource {

        Participant(int vote) {
            this(vote, 0);
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            if (vote < 0) {
                throw new XAException(XAException.XA_RBROLLBACK);
            }
            return vote;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            if (commitError != 0) {
                throw new XAException(commitError);
            }
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
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public Xid[] recover(int flag) {
            return prepared.clone();
        }

        @Override
        public void rollback(Xid xid) {
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
