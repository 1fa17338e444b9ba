package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.recovery.FakeResourceManager.Op;
import dev.twophase.coordinator.recovery.FakeResourceManager.State;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.PlainXid;

class HeuristicGuardTest {

    private final HeuristicRegistry registry = new HeuristicRegistry();
    private final HeuristicGuard guard = new HeuristicGuard(registry);
    private final FakeResourceManager bankB = new FakeResourceManager("bankB");
    private final PlainXid xid = Xids.atomikos("demo-1", 1_763_719_200_000L, 1, 2);

    @Test
    void reportsABranchRolledBackBehindTheCoordinatorsBackAsHeuristicRollbackAndRecordsIt() throws Exception {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        prepare(guarded);
        bankB.rollBackBehindTheCoordinatorsBack(xid);

        assertThatExceptionOfType(XAException.class).isThrownBy(() -> guarded.commit(PlainXid.copyOf(xid), false))
                .satisfies(e -> {
                    assertThat(e.errorCode).isEqualTo(XAException.XA_HEURRB);
                    assertThat(e.getCause()).isInstanceOfSatisfying(XAException.class,
                            cause -> assertThat(cause.errorCode).isEqualTo(XAException.XAER_NOTA));
                });

        assertThat(registry.recent()).singleElement().satisfies(outcome -> {
            assertThat(outcome.participant()).isEqualTo("bankB");
            assertThat(outcome.xid()).isEqualTo("demo-1.176371920000000001:demo-1.2");
            assertThat(outcome.expected()).isEqualTo(Decision.COMMIT);
            assertThat(outcome.observed()).isEqualTo(Observed.ROLLED_BACK);
            assertThat(outcome.agreesWithDecision()).isFalse();
            assertThat(outcome.detail()).contains("XAER_NOTA").contains("resolved outside the coordinator").contains("no longer lists the branch");
        });
        assertThat(registry.count("bankB")).isEqualTo(1);
        assertThat(bankB.history(xid)).containsExactly(State.ACTIVE, State.PREPARED, State.ROLLED_BACK);
    }

    @Test
    void seesTheBranchPreparedThroughAnotherXAResourceOfTheSameParticipant() throws Exception {
        prepare(guard.guard("bankB", bankB.xaResource()));
        bankB.rollBackBehindTheCoordinatorsBack(xid);

        XAResource other = guard.guard("bankB", bankB.xaResource());
        assertThatExceptionOfType(XAException.class).isThrownBy(() -> other.commit(xid, false))
                .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XA_HEURRB));
    }

    @Test
    void tellsRecoveryWhichPreparedBranchesStillAwaitTheirFirstCommit() throws Exception {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        assertThat(guard.awaitingFirstCommit("bankB", xid)).as("not prepared yet").isFalse();
        prepare(guarded);
        assertThat(guard.awaitingFirstCommit("bankB", xid)).isTrue();
        assertThat(guard.awaitingFirstCommit("bankA", xid)).as("another participant").isFalse();

        bankB.unreachable(XAException.XAER_RMFAIL);
        assertThatThrownBy(() -> guarded.commit(xid, false)).isInstanceOf(XAException.class);
        assertThat(guard.awaitingFirstCommit("bankB", xid)).as("its first commit was tried, and may have happened").isFalse();
    }

    @Test
    void commitsAPreparedBranchAndThenTreatsNotaAsAlreadyCommitted() throws Exception {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        prepare(guarded);

        guarded.commit(xid, false);
        assertThat(bankB.state(xid)).isEqualTo(State.COMMITTED);

        assertNotaPassesThrough(() -> guarded.commit(xid, false));
        assertThat(registry.total()).isZero();
    }

    @Test
    void passesNotaThroughOnARetryAfterAFailureThatMayHaveCommitted() throws Exception {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        prepare(guarded);
        bankB.failNextAfterEffect(Op.COMMIT, XAException.XAER_RMFAIL);

        assertThatExceptionOfType(XAException.class).isThrownBy(() -> guarded.commit(xid, false))
                .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_RMFAIL));
        assertThat(bankB.state(xid)).isEqualTo(State.COMMITTED);

        assertNotaPassesThrough(() -> guarded.commit(xid, false));
        assertThat(registry.total()).isZero();
    }

    @Test
    void keepsWatchingABranchTheResourceStillListsAfterAFailedCommitAndReportsItWhenItVanishes() throws Exception {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        prepare(guarded);
        bankB.failNext(Op.COMMIT, 1, XAException.XAER_RMERR);

        // A transient error: the branch is still prepared, so it is no heuristic; the error goes to Atomikos.
        assertThatExceptionOfType(XAException.class).isThrownBy(() -> guarded.commit(xid, false))
                .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_RMERR));
        assertThat(registry.total()).isZero();

        // Before Atomikos retries, someone rolls it back: the retry must not pass for a success.
        bankB.rollBackBehindTheCoordinatorsBack(xid);
        assertThatExceptionOfType(XAException.class).isThrownBy(() -> guarded.commit(xid, false))
                .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XA_HEURRB));
        assertThat(registry.total()).isEqualTo(1);
    }

    @Test
    void passesNotaThroughForABranchThatWasNotPreparedInThisProcess() {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());

        // A commit replayed by recovery for a branch an earlier run prepared, already completed.
        assertNotaPassesThrough(() -> guarded.commit(xid, false));
        assertThat(registry.total()).isZero();
    }

    @Test
    void passesNotaThroughWhenTheBranchVotedReadOnly() throws Exception {
        bankB.voteReadOnly();
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        guarded.start(xid, XAResource.TMNOFLAGS);
        guarded.end(xid, XAResource.TMSUCCESS);
        assertThat(guarded.prepare(xid)).isEqualTo(XAResource.XA_RDONLY);

        assertNotaPassesThrough(() -> guarded.commit(xid, false));
        assertThat(registry.total()).isZero();
    }

    @Test
    void passesNotaThroughOnRollbackAndOnOnePhaseCommit() throws Exception {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        prepare(guarded);
        bankB.rollBackBehindTheCoordinatorsBack(xid);

        assertNotaPassesThrough(() -> guarded.rollback(xid));
        assertNotaPassesThrough(() -> guarded.commit(Xids.of("demo-1.176371920000000009", "demo-1.3"), true));
        assertThat(registry.total()).isZero();
    }

    @Test
    void forgetsTheBranchOnRollbackSoALaterCommitIsNotJudged() throws Exception {
        XAResource guarded = guard.guard("bankB", bankB.xaResource());
        prepare(guarded);
        guarded.rollback(xid);

        assertNotaPassesThrough(() -> guarded.commit(xid, false));
        assertThat(registry.total()).isZero();
    }

    @Test
    void keepsParticipantsApart() throws Exception {
        FakeResourceManager bankA = new FakeResourceManager("bankA");
        prepare(guard.guard("bankB", bankB.xaResource()));
        bankB.rollBackBehindTheCoordinatorsBack(xid);

        // bankA never prepared this xid, so its NOTA is not judged.
        assertNotaPassesThrough(() -> guard.guard("bankA", bankA.xaResource()).commit(xid, false));
    }

    @Test
    void comparesResourceManagersThroughTheGuard() throws Exception {
        XAResource raw = bankB.xaResource();
        XAResource guarded = guard.guard("bankB", raw);
        XAResource guardedTwice = guard.guard("bankB", guard.guard("bankB", bankB.xaResource()));
        XAResource otherRm = guard.guard("bankA", new FakeResourceManager("bankA").xaResource());

        assertThat(guarded.isSameRM(guardedTwice)).isTrue();
        assertThat(guarded.isSameRM(raw)).isTrue();
        assertThat(guarded.isSameRM(otherRm)).isFalse();
        assertThat(HeuristicGuard.unwrap(guardedTwice)).isNotInstanceOf(guarded.getClass());
        assertThat(HeuristicGuard.unwrap(guarded)).isSameAs(raw);
        assertThat(HeuristicGuard.unwrap(raw)).isSameAs(raw);
        assertThat(guarded).hasToString("HeuristicGuard[bankB](FakeXAResource[bankB])");
    }

    @Test
    void asAChainLinkItAsksTheVendorsResourceWhetherTheBranchIsStillPrepared() throws Exception {
        HeuristicRegistry registry = new HeuristicRegistry();
        FakeResourceManager rm = new FakeResourceManager("bank-x");
        XAResource vendor = rm.xaResource();
        XAResource guarded = new HeuristicGuard(registry).link("bank-x", vendor, vendor);
        guarded.start(xid, XAResource.TMNOFLAGS);
        guarded.prepare(xid);
        rm.rollBackBehindTheCoordinatorsBack(xid);

        assertThatExceptionOfType(XAException.class).isThrownBy(() -> guarded.commit(xid, false));
        assertThat(registry.count("bank-x")).isEqualTo(1);
    }

    @Test
    void refusesToGuardWithoutAParticipantName() {
        assertThatIllegalArgumentException().isThrownBy(() -> guard.guard(" ", bankB.xaResource()))
                .withMessageContaining("participant name is required");
        assertThatIllegalArgumentException().isThrownBy(() -> guard.guard("bankB", null))
                .withMessageContaining("'bankB'");
    }

    private void prepare(XAResource resource) throws XAException {
        resource.start(xid, XAResource.TMNOFLAGS);
        resource.end(xid, XAResource.TMSUCCESS);
        assertThat(resource.prepare(xid)).isEqualTo(XAResource.XA_OK);
    }

    private static void assertNotaPassesThrough(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatExceptionOfType(XAException.class).isThrownBy(call)
                .satisfies(e -> assertThat(e.errorCode).isEqualTo(XAException.XAER_NOTA));
    }
}
