package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import javax.transaction.xa.XAException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.recovery.FakeResourceManager.Op;
import dev.twophase.coordinator.recovery.FakeResourceManager.State;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XidText;

/** The recovery rules and the reporting, over fake participants and a fake Atomikos, with a hand-moved clock. */
class PromptRecoveryTest {

    private static final TmName TM = TmName.of("demo-1");
    /** When this run's transaction manager started. */
    private static final Instant STARTED = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Shorter than the default timeout, so that a test tells which of the two a rule uses. */
    private static final Duration PHASE_TWO_GRACE = Duration.ofSeconds(2);

    private final MutableClock clock = new MutableClock(STARTED.plusSeconds(5));
    private final FakeAtomikos atomikos = new FakeAtomikos();
    private final HeuristicRegistry heuristics = new HeuristicRegistry();
    private final FakeResourceManager bankA = new FakeResourceManager("bankA");
    private final FakeResourceManager bankB = new FakeResourceManager("bankB");
    private final FakeResourceManager broker = new FakeResourceManager("broker");
    private final LogCapture logs = new LogCapture(PromptRecovery.class);

    @AfterEach
    void closeLogs() {
        logs.close();
    }

    @Test
    void commitsABranchOfAnEarlierRunWhoseCommitDecisionIsInTheLog() {
        PlainXid x = earlierRun(1, 1);
        bankA.prepared(x);
        atomikos.register(bankA).committing(XidText.gtrid(x));

        PromptRecovery recovery = started(Set.of(XidText.gtrid(x)));
        recovery.runPass();

        assertThat(bankA.state(x)).isEqualTo(State.COMMITTED);
        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.COMPLETE);
            assertThat(s.committed()).isEqualTo(1);
            assertThat(s.rolledBack()).isZero();
            assertThat(s.pending()).isZero();
        });
        assertThat(logs.lines(Level.INFO)).contains("Recovery committed bankA branch " + XidText.of(x)
                + ": the log holds the commit decision of an earlier run");
    }

    @Test
    void commitsABranchOfAnEarlierRunWhoseDecisionWasLoggedAtStartupEvenAfterAtomikosForgotIt() {
        // Atomikos forgets an expired COMMITTING record after replaying it on the participants registered
        // at that moment; a participant registering later still holds the branch.
        PlainXid x = earlierRun(1, 1);
        broker.prepared(x);
        atomikos.register(broker);

        PromptRecovery recovery = started(Set.of(XidText.gtrid(x)));
        recovery.runPass();

        assertThat(broker.state(x)).isEqualTo(State.COMMITTED);
    }

    @Test
    void rollsBackABranchOfAnEarlierRunWithoutACommitDecision() {
        PlainXid x = earlierRun(2, 1);
        bankB.prepared(x);
        atomikos.register(bankB);

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();

        assertThat(bankB.history(x)).containsExactly(State.PREPARED, State.ROLLED_BACK);
        assertThat(recovery.status().rolledBack()).isEqualTo(1);
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.COMPLETE);
    }

    @Test
    void anEarlierRunsBranchIsRolledBackOnlyOnceItsLastResourceBranchIsFencedOff() {
        // The earlier run's node may only be paused, its branch on the last resource still open.
        PlainXid x = earlierRun(2, 1);
        bankB.prepared(x);
        atomikos.register(bankB).lastResourceFences(AtomikosAccess.LastResourceAnswer.UNKNOWN);

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();
        assertThat(bankB.state(x)).as("while the last resource cannot be fenced").isEqualTo(State.PREPARED);
        assertThat(recovery.status().pending()).isEqualTo(1);

        atomikos.lastResourceFences(AtomikosAccess.LastResourceAnswer.ROLLED_BACK);
        recovery.runPass();
        assertThat(bankB.state(x)).isEqualTo(State.ROLLED_BACK);
    }

    @Test
    void anEarlierRunsBranchWhoseLastResourceCommittedWhenFencedIsCommitted() {
        PlainXid x = earlierRun(2, 1);
        bankB.prepared(x);
        atomikos.register(bankB).lastResourceFences(AtomikosAccess.LastResourceAnswer.COMMITTED);

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();

        assertThat(bankB.history(x)).containsExactly(State.PREPARED, State.COMMITTED);
    }

    @Test
    void aDecisionWhoseLastResourceOutcomeIsUnknownKeepsTheOthersPreparedUntilItsDatabaseAnswers() {
        PlainXid y = thisRun(4_000, 1, 1);
        PlainXid z = thisRun(4_000, 2, 1);
        bankB.prepared(y);
        bankB.prepared(z);
        atomikos.register(bankB).live(XidText.gtrid(y));
        atomikos.live(XidText.gtrid(z));
        atomikos.lastResourceUnknown(XidText.gtrid(y), AtomikosAccess.LastResourceAnswer.UNKNOWN);
        atomikos.lastResourceUnknown(XidText.gtrid(z), AtomikosAccess.LastResourceAnswer.UNKNOWN);

        PromptRecovery recovery = started(Set.of());
        for (int pass = 0; pass < 3; pass++) {
            clock.advance(DEFAULT_TIMEOUT);
            recovery.runPass();
        }
        assertThat(bankB.state(y)).as("not presumed aborted while the outcome is unknown").isEqualTo(State.PREPARED);
        assertThat(bankB.state(z)).isEqualTo(State.PREPARED);

        atomikos.lastResourceUnknown(XidText.gtrid(y), AtomikosAccess.LastResourceAnswer.COMMITTED);
        atomikos.lastResourceUnknown(XidText.gtrid(z), AtomikosAccess.LastResourceAnswer.ROLLED_BACK);
        recovery.runPass();
        clock.advance(DEFAULT_TIMEOUT);
        recovery.runPass();

        assertThat(bankB.history(y)).containsExactly(State.PREPARED, State.COMMITTED);
        assertThat(bankB.history(z)).containsExactly(State.PREPARED, State.ROLLED_BACK);
    }

    @Test
    void aCoordinatorThatLostItsLogToAnotherInstanceResolvesNothing() {
        PlainXid x = earlierRun(2, 1);
        bankB.prepared(x);
        atomikos.register(bankB);
        atomikos.loseLog();

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();

        // Presuming abort from a log another instance now owns could undo that instance's commit decision.
        assertThat(bankB.history(x)).containsExactly(State.PREPARED);
        assertThat(recovery.status().rolledBack()).isZero();
    }

    @Test
    void leavesABranchOfThisRunAloneWhileItsTransactionIsActive() {
        PlainXid y = thisRun(4_000, 1, 1);
        bankA.prepared(y);
        atomikos.register(bankA).live(XidText.gtrid(y));

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();
        clock.advance(Duration.ofMinutes(10));
        recovery.runPass();

        assertThat(bankA.state(y)).isEqualTo(State.PREPARED);
        assertThat(recovery.status().state()).as("nothing from before startup").isEqualTo(RecoveryStatus.State.COMPLETE);
        assertThat(recovery.status().pending()).isZero();
    }

    @Test
    void rollsBackAtOnceABranchWhoseCommitDecisionTheLogRefusedThoughAtomikosStillHoldsItsCoordinator() {
        PlainXid y = thisRun(4_000, 1, 1);
        bankA.prepared(y);
        // The COMMITTING write failed (the log's database restarted): Atomikos told the caller it rolled back,
        // and keeps the coordinator in memory, in doubt, until its in-doubt timeout.
        atomikos.register(bankA).live(XidText.gtrid(y));
        atomikos.refuseDecision(XidText.gtrid(y));

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();

        assertThat(bankA.state(y)).isEqualTo(State.ROLLED_BACK);
        assertThat(recovery.status().rolledBack()).isEqualTo(1);
    }

    @Test
    void rollsBackABranchOfThisRunWithoutRecordOnceItsTransactionEndedAndItIsOlderThanTheDefaultTimeout() {
        PlainXid y = thisRun(4_000, 1, 1);
        bankA.prepared(y);
        atomikos.register(bankA);

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();
        assertThat(bankA.state(y)).as("one second old").isEqualTo(State.PREPARED);

        clock.advance(Duration.ofSeconds(9));
        recovery.runPass();

        assertThat(bankA.state(y)).isEqualTo(State.ROLLED_BACK);
        assertThat(logs.lines(Level.INFO)).contains("Recovery rolled back bankA branch " + XidText.of(y)
                + ": no commit decision in the log and its transaction has ended in this process: presumed abort");
    }

    @Test
    void leavesABranchOfThisRunWithoutRecordToAtomikosWhenSubtransactionsAreAllowed() {
        PlainXid y = thisRun(1_000, 1, 1);
        bankA.prepared(y);
        atomikos.register(bankA).allowSubtransactions();

        PromptRecovery recovery = started(Set.of());
        clock.advance(Duration.ofMinutes(1));
        recovery.runPass();

        assertThat(bankA.state(y)).isEqualTo(State.PREPARED);
    }

    @Test
    void commitsABranchOfThisRunWithACommitDecisionAsSoonAsItsTransactionHasEnded() {
        PlainXid y = thisRun(4_000, 1, 1);
        bankA.prepared(y);
        atomikos.register(bankA).live(XidText.gtrid(y));
        atomikos.committing(XidText.gtrid(y));

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();
        assertThat(bankA.state(y)).isEqualTo(State.PREPARED);

        atomikos.ended(XidText.gtrid(y));
        recovery.runPass();
        assertThat(bankA.state(y)).isEqualTo(State.COMMITTED);
    }

    @Test
    void commitsABranchOfThisRunWhosePhaseTwoHasBeenUnfinishedForTheGrace() {
        // e.g. the broker was killed between prepare and commit; the coordinator is still retrying.
        PlainXid y = thisRun(4_500, 1, 3);
        broker.prepared(y);
        atomikos.register(broker).live(XidText.gtrid(y));
        atomikos.committing(XidText.gtrid(y));

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();
        clock.advance(PHASE_TWO_GRACE.minusMillis(1));
        recovery.runPass();
        assertThat(broker.state(y)).as("seen prepared for just under the phase-two grace").isEqualTo(State.PREPARED);

        clock.advance(Duration.ofMillis(1));
        recovery.runPass();
        assertThat(broker.state(y)).isEqualTo(State.COMMITTED);
    }

    @Test
    void leavesACommitDecidedBranchAwaitingItsFirstCommitAloneForTheDefaultTimeout() {
        // e.g. a commit held up (a slow participant, a pause) before its first try: committing it
        // now would make that try read XAER_NOTA, which the guard must report as a heuristic.
        PlainXid y = thisRun(4_600, 1, 3);
        broker.prepared(y);
        atomikos.register(broker).live(XidText.gtrid(y));
        atomikos.committing(XidText.gtrid(y));
        PromptRecovery recovery = new PromptRecovery(CoordinatorIncarnation.started(TM, STARTED, Set.of()),
                settings(), heuristics, atomikos, clock, (participant, xid) -> participant.equals("broker"));

        recovery.begin();
        recovery.runPass();
        clock.advance(PHASE_TWO_GRACE);
        recovery.runPass();
        clock.advance(DEFAULT_TIMEOUT.minus(PHASE_TWO_GRACE).minusMillis(1));
        recovery.runPass();
        assertThat(broker.state(y)).as("awaiting its first commit, seen prepared for just under the default timeout")
                .isEqualTo(State.PREPARED);

        clock.advance(Duration.ofMillis(1));
        recovery.runPass();
        assertThat(broker.state(y)).isEqualTo(State.COMMITTED);
    }

    @Test
    void asksWhetherTheTransactionIsLiveBeforeReadingTheLog() {
        PlainXid y = thisRun(1_000, 7, 1);
        bankA.prepared(y);
        atomikos.register(bankA);

        started(Set.of()).runPass();

        assertThat(atomikos.questions()).containsExactly("live " + XidText.gtrid(y), "log " + XidText.gtrid(y));
    }

    @Test
    void leavesBranchesOfOtherCoordinatorsAndIdsInAnotherFormatAlone() {
        PlainXid ofTm10 = Xids.atomikos("demo-10", STARTED.toEpochMilli() - 60_000, 1, 1);
        PlainXid foreignGtrid = Xids.of("not-an-atomikos-id", "demo-1.4");
        bankA.prepared(ofTm10).prepared(foreignGtrid);
        atomikos.register(bankA);

        PromptRecovery recovery = started(Set.of());
        clock.advance(Duration.ofMinutes(10));
        recovery.runPass();

        assertThat(bankA.state(ofTm10)).isEqualTo(State.PREPARED);
        assertThat(bankA.state(foreignGtrid)).isEqualTo(State.PREPARED);
        assertThat(atomikos.questions()).containsExactly("live not-an-atomikos-id", "log not-an-atomikos-id");
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.COMPLETE);
    }

    @Test
    void leavesAnEarlierRunsBranchWithAnotherLogRecordToAtomikosAndKeepsRecovering() {
        PlainXid x = earlierRun(3, 1);
        bankA.prepared(x);
        atomikos.register(bankA).record(XidText.gtrid(x), "IN_DOUBT");

        PromptRecovery recovery = started(Set.of());
        recovery.runPass();

        assertThat(bankA.state(x)).isEqualTo(State.PREPARED);
        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.RECOVERING);
            assertThat(s.pending()).isEqualTo(1);
            assertThat(s.participants().get("bankA").pendingXids()).containsExactly(XidText.of(x));
        });
    }

    @Test
    void retriesACommitThatFailedWithRmfailOnTheNextPassAndThenCompletes() {
        PlainXid x = earlierRun(1, 1);
        bankA.prepared(x);
        bankA.failNext(Op.COMMIT, 1, XAException.XAER_RMFAIL);
        atomikos.register(bankA).committing(XidText.gtrid(x));
        PromptRecovery recovery = started(Set.of(XidText.gtrid(x)));

        recovery.runPass();

        assertThat(bankA.state(x)).isEqualTo(State.PREPARED);
        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.RECOVERING);
            assertThat(s.pending()).isEqualTo(1);
            assertThat(s.participants().get("bankA").covered()).isFalse();
            assertThat(s.participants().get("bankA").lastError()).contains(XidText.of(x)).contains("XAER_RMFAIL (-7)");
        });
        assertThat(logs.lines(Level.WARN)).singleElement().asString().startsWith("Recovery could not commit bankA branch");

        clock.advance(Duration.ofSeconds(2));
        recovery.runPass();

        assertThat(bankA.state(x)).isEqualTo(State.COMMITTED);
        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.COMPLETE);
            assertThat(s.committed()).isEqualTo(1);
            assertThat(s.participants().get("bankA").covered()).isTrue();
            assertThat(s.participants().get("bankA").lastError()).isNull();
        });
    }

    @Test
    void retriesAnUnreachableParticipantAndCompletesOnceItAnswers() {
        PlainXid x = earlierRun(1, 2);
        bankB.prepared(x);
        bankB.unreachable(XAException.XAER_RMFAIL);
        atomikos.register(bankA).register(bankB);
        PromptRecovery recovery = started(Set.of());

        recovery.runPass();
        recovery.runPass();

        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.RECOVERING);
            assertThat(s.participants().get("bankA").covered()).isTrue();
            assertThat(s.participants().get("bankB").covered()).isFalse();
            assertThat(s.participants().get("bankB").lastError()).isEqualTo("recover failed with XAER_RMFAIL (-7)");
        });
        assertThat(logs.lines(Level.WARN)).as("one warning, not one per pass").containsExactly(
                "Recovery cannot scan participant 'bankB': recover failed with XAER_RMFAIL (-7); it retries every pass");

        bankB.reachable();
        recovery.runPass();

        assertThat(bankB.state(x)).isEqualTo(State.ROLLED_BACK);
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.COMPLETE);
    }

    @Test
    void countsABranchThatIsAlreadyGoneAsDone() {
        PlainXid x = earlierRun(1, 1);
        bankA.prepared(x);
        bankA.failNext(Op.COMMIT, 1, XAException.XAER_NOTA);
        atomikos.register(bankA).committing(XidText.gtrid(x));

        PromptRecovery recovery = started(Set.of(XidText.gtrid(x)));
        recovery.runPass();

        assertThat(recovery.status().committed()).isEqualTo(1);
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.COMPLETE);
    }

    @Test
    void waitsForEveryRequiredParticipantAndThenLogsOneCompletionLine() {
        PlainXid committed = earlierRun(1, 1);
        PlainXid abandoned = earlierRun(2, 2);
        bankA.prepared(committed);
        bankB.prepared(abandoned);
        atomikos.register(bankA).register(bankB).committing(XidText.gtrid(committed));
        PromptRecovery recovery = started(Set.of(XidText.gtrid(committed)), "bankA", "bankB", "broker");

        recovery.runPass();

        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.RECOVERING);
            assertThat(s.participants()).containsOnlyKeys("bankA", "bankB", "broker");
            assertThat(s.participants().get("broker").registered()).isFalse();
            assertThat(s.participants().get("broker").lastError()).contains("not registered with Atomikos");
        });

        clock.advance(Duration.ofMillis(1500));
        atomikos.register(broker);
        recovery.runPass();
        recovery.runPass();

        assertThat(logs.lines(Level.INFO)).filteredOn(line -> line.startsWith("Recovery complete")).containsExactly(
                "Recovery complete in 1500 ms: 1 committed, 1 rolled back, 0 heuristic (participants: bankA, bankB, broker)");
        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.COMPLETE);
            assertThat(s.startedAt()).isEqualTo(STARTED.plusSeconds(5));
            assertThat(s.completedAt()).isEqualTo(STARTED.plusSeconds(5).plusMillis(1500));
            assertThat(s.duration(clock.instant().plusSeconds(99))).isEqualTo(Duration.ofMillis(1500));
            assertThat(s.participants().values()).allSatisfy(p -> assertThat(p.covered()).isTrue());
        });
    }

    @Test
    void isOverdueAfterTheDeadlineWarnsAtMostOnceAMinuteAndStillCompletes() {
        bankA.prepared(earlierRun(1, 1));
        bankA.unreachable(XAException.XAER_RMFAIL);
        atomikos.register(bankA);
        PromptRecovery recovery = started(Set.of());
        recovery.runPass();

        clock.advance(Duration.ofSeconds(59));
        recovery.warnIfOverdue();
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.RECOVERING);
        assertThat(logs.lines(Level.WARN)).noneMatch(line -> line.startsWith("Recovery overdue"));

        clock.advance(Duration.ofSeconds(1));
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.OVERDUE);
        recovery.warnIfOverdue();
        clock.advance(Duration.ofSeconds(30));
        recovery.runPass();
        clock.advance(Duration.ofSeconds(30));
        recovery.warnIfOverdue();

        assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.startsWith("Recovery overdue")).containsExactly(
                "Recovery overdue: not complete 60000 ms after it started (twophase.coordinator.recovery-deadline=60000 ms);"
                        + " 0 branches from before startup still prepared; bankA: never scanned,"
                        + " last error: recover failed with XAER_RMFAIL (-7)",
                "Recovery overdue: not complete 120000 ms after it started (twophase.coordinator.recovery-deadline=60000 ms);"
                        + " 0 branches from before startup still prepared; bankA: never scanned,"
                        + " last error: recover failed with XAER_RMFAIL (-7)");

        bankA.reachable();
        recovery.runPass();
        clock.advance(Duration.ofMinutes(5));
        recovery.warnIfOverdue();

        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.COMPLETE);
        assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.startsWith("Recovery overdue")).hasSize(2);
    }

    @Test
    void removesTheEarlierRunsCommitDecisionsFromTheLogOnlyOnceRecoveryIsComplete() {
        PlainXid withBranch = earlierRun(1, 1);
        String withoutBranch = XidText.gtrid(earlierRun(2, 1));
        PlainXid ofThisRun = thisRun(1_000, 1, 1);
        bankA.prepared(withBranch);
        bankB.unreachable(XAException.XAER_RMFAIL);
        atomikos.register(bankA).register(bankB).live(XidText.gtrid(ofThisRun));
        atomikos.committing(XidText.gtrid(withBranch));
        atomikos.committing(withoutBranch);
        atomikos.committing(XidText.gtrid(ofThisRun));
        PromptRecovery recovery = started(Set.of(XidText.gtrid(withBranch), withoutBranch, XidText.gtrid(ofThisRun)));

        recovery.runPass();
        assertThat(atomikos.forgotten()).isEmpty();

        bankB.reachable();
        recovery.runPass();
        assertThat(atomikos.forgotten()).containsExactlyInAnyOrder(XidText.gtrid(withBranch), withoutBranch);
        assertThat(logs.lines(Level.INFO)).contains(
                "Recovery removed 2 completed commit decisions of earlier runs from the recovery log");
    }

    @Test
    void recordsAHeuristicOutcomeOnceAndMakesTheParticipantForgetTheBranch() {
        PlainXid x = earlierRun(1, 1);
        bankA.prepared(x);
        bankA.rollBackHeuristically(x);
        atomikos.register(bankA).committing(XidText.gtrid(x));

        PromptRecovery recovery = started(Set.of(XidText.gtrid(x)));
        recovery.runPass();
        recovery.runPass();

        assertThat(bankA.state(x)).isEqualTo(State.FORGOTTEN);
        assertThat(heuristics.recent()).singleElement().satisfies(o -> {
            assertThat(o.participant()).isEqualTo("bankA");
            assertThat(o.expected()).isEqualTo(Decision.COMMIT);
            assertThat(o.observed()).isEqualTo(Observed.ROLLED_BACK);
            assertThat(o.detail()).contains("XA_HEURRB (6)");
        });
        assertThat(recovery.status().heuristic()).isEqualTo(1);
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.COMPLETE);
    }

    @Test
    void retriesAHeuristicHazardAndReportsItOnce() {
        PlainXid x = earlierRun(1, 1);
        bankA.prepared(x);
        bankA.failNext(Op.ROLLBACK, 2, XAException.XA_HEURHAZ);
        atomikos.register(bankA);
        PromptRecovery recovery = started(Set.of());

        recovery.runPass();
        recovery.runPass();
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.RECOVERING);
        assertThat(heuristics.total()).isEqualTo(1);

        recovery.runPass();
        assertThat(bankA.state(x)).isEqualTo(State.ROLLED_BACK);
        assertThat(recovery.status()).satisfies(s -> {
            assertThat(s.state()).isEqualTo(RecoveryStatus.State.COMPLETE);
            assertThat(s.heuristic()).isEqualTo(1);
            assertThat(s.rolledBack()).isEqualTo(1);
        });
    }

    @Test
    void isRecoveringWithoutStartTimeBeforeItStartedAndCompletesAtOnceWithNothingToDo() {
        PromptRecovery recovery = new PromptRecovery(CoordinatorIncarnation.started(TM, STARTED, Set.of()),
                settings(), heuristics, atomikos, clock);
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.RECOVERING);
        assertThat(recovery.status().startedAt()).isNull();
        recovery.runPass();
        assertThat(recovery.status().state()).as("not before it started").isEqualTo(RecoveryStatus.State.RECOVERING);

        recovery.begin();
        recovery.runPass();
        assertThat(recovery.status().state()).isEqualTo(RecoveryStatus.State.COMPLETE);
        assertThat(logs.lines(Level.INFO)).contains(
                "Recovery complete in 0 ms: 0 committed, 0 rolled back, 0 heuristic (participants: none)");
    }

    private PromptRecovery started(Set<String> committingAtStartup, String... required) {
        PromptRecovery recovery = new PromptRecovery(CoordinatorIncarnation.started(TM, STARTED, committingAtStartup),
                settings(required), heuristics, atomikos, clock);
        recovery.begin();
        return recovery;
    }

    private static PromptRecovery.Settings settings(String... required) {
        return new PromptRecovery.Settings(Duration.ofSeconds(2), Duration.ofSeconds(60), DEFAULT_TIMEOUT, PHASE_TWO_GRACE, Set.of(required));
    }

    /** A branch of a transaction an earlier run created a minute before this run started. */
    private static PlainXid earlierRun(int counter, int branch) {
        return Xids.atomikos("demo-1", STARTED.toEpochMilli() - 60_000, counter, branch);
    }

    private static PlainXid thisRun(long millisAfterStart, int counter, int branch) {
        return Xids.atomikos("demo-1", STARTED.toEpochMilli() + millisAfterStart, counter, branch);
    }
}
