package dev.twophase.coordinator.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.transaction.xa.XAException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.twophase.coordinator.TmName;
import dev.twophase.coordinator.console.ActionResult;
import dev.twophase.coordinator.console.AuditLog;
import dev.twophase.coordinator.console.BranchView;
import dev.twophase.coordinator.console.LogRecordView;
import dev.twophase.coordinator.console.RecoveryConsole;
import dev.twophase.coordinator.metrics.TransactionOutcomes;
import dev.twophase.coordinator.recovery.FakeResourceManager.Op;
import dev.twophase.coordinator.recovery.FakeResourceManager.State;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Decision;
import dev.twophase.coordinator.recovery.HeuristicOutcome.Observed;
import dev.twophase.coordinator.xa.PlainXid;
import dev.twophase.coordinator.xa.XidText;

/** The console's listings, safety rules and audit, over fake participants and a fake Atomikos. */
class RecoveryConsoleTest {

    private static final TmName TM = TmName.of("demo-1");
    private static final Instant STARTED = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(STARTED.plusSeconds(30));
    private final FakeAtomikos atomikos = new FakeAtomikos();
    private final HeuristicRegistry heuristics = new HeuristicRegistry();
    private final FakeResourceManager bankA = new FakeResourceManager("bank-a");
    private final FakeResourceManager bankB = new FakeResourceManager("bank-b");
    private final ExecutorService threads = Executors.newSingleThreadExecutor();
    private PromptRecovery recovery;
    private AuditLog audit;
    private RecoveryConsole console;

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private RecoveryConsole console() {
        recovery = new PromptRecovery(CoordinatorIncarnation.started(TM, STARTED, Set.of()), new PromptRecovery.Settings(
                Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(2), Set.of()), heuristics, atomikos, clock);
        audit = new AuditLog(dir.resolve("audit.jsonl"), "demo-1");
        console = new RecoveryConsole(recovery, heuristics, new TransactionOutcomes(), audit, new RecoveryConsole.Settings("demo-1",
                dir, Duration.ofHours(24), Duration.ofMillis(300)), () -> "alice");
        return console;
    }

    @Test
    void listsEachPreparedBranchOfThisCoordinatorWithTheLogsDecisionAndARecommendation() {
        PlainXid decided = earlierRun(1, 1);
        PlainXid undecided = earlierRun(2, 1);
        PlainXid running = thisRun(1);
        PlainXid foreign = Xids.atomikos("other-1", STARTED.toEpochMilli(), 9, 1);
        bankA.prepared(decided).prepared(undecided).prepared(foreign);
        bankB.prepared(decided).prepared(running);
        atomikos.register(bankA).register(bankB).committing(XidText.gtrid(decided));
        atomikos.live(XidText.gtrid(running));

        List<BranchView> branches = console().listInDoubtBranches();

        assertThat(branches).extracting(BranchView::getParticipant, BranchView::getXid, BranchView::getDecision,
                BranchView::getRecommendation, BranchView::getRun, BranchView::isInFlight).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("bank-a", XidText.of(decided), "COMMIT", "COMMIT", "PREVIOUS", false),
                        org.assertj.core.groups.Tuple.tuple("bank-b", XidText.of(decided), "COMMIT", "COMMIT", "PREVIOUS", false),
                        org.assertj.core.groups.Tuple.tuple("bank-a", XidText.of(undecided), "NONE", "ROLLBACK", "PREVIOUS", false),
                        org.assertj.core.groups.Tuple.tuple("bank-b", XidText.of(running), "NONE", "WAIT", "CURRENT", true));
        assertThat(branches).filteredOn(b -> b.getRecommendation().equals("ROLLBACK")).singleElement()
                .satisfies(b -> assertThat(b.getReason()).contains("presumed abort"));
        assertThat(console.getInDoubt()).isEqualTo(4);
        assertThat(recovery.participants().scan("bank-a").others()).as("the other coordinator's branch").isEqualTo(1);
        assertThat(console.showBranch(XidText.gtrid(decided))).hasSize(2);
        assertThat(console.showBranch(XidText.of(undecided))).singleElement().extracting(BranchView::getParticipant).isEqualTo("bank-a");
        assertThat(console.showBranch("nothing:here")).isEmpty();
    }

    @Test
    void commitsOnlyWhereTheLogHoldsTheCommitDecisionAndAuditsBeforeAndAfter() throws Exception {
        PlainXid decided = earlierRun(1, 1);
        bankA.prepared(decided);
        atomikos.register(bankA).committing(XidText.gtrid(decided));
        console();

        assertThat(console.rollback(XidText.of(decided), false, null)).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("REFUSED");
            assertThat(r.getMessage()).contains("the log holds the commit decision").contains("recommendation is COMMIT");
        });
        assertThat(bankA.state(decided)).isEqualTo(State.PREPARED);

        ActionResult done = console.commit(XidText.of(decided), false, "ticket 42");
        assertThat(done.getOutcome()).isEqualTo("DONE");
        assertThat(done.isHeuristic()).isFalse();
        assertThat(done.getParticipant()).isEqualTo("bank-a");
        assertThat(bankA.state(decided)).isEqualTo(State.COMMITTED);
        assertThat(heuristics.total()).isZero();

        List<Map<String, Object>> records = audit.read();
        assertThat(records).extracting(r -> r.get("phase") + " " + r.get("action") + " " + r.get("outcome"))
                .containsExactly("requested rollback null", "outcome rollback REFUSED", "requested commit null", "outcome commit DONE");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.get("who")).isEqualTo("alice");
            assertThat(r.get("target")).isEqualTo(XidText.of(decided));
            assertThat(r.get("at")).isNotNull();
        });
        assertThat(records.get(2).get("reason")).isEqualTo("ticket 42");
        assertThat(records.get(3).get("id")).isEqualTo(done.getAuditId()).isEqualTo(records.get(2).get("id"));
    }

    @Test
    void refusesToCommitWithoutADecisionUnlessForcedWithAReasonAndThenRecordsAHeuristic() throws Exception {
        PlainXid undecided = earlierRun(2, 1);
        bankB.prepared(undecided);
        atomikos.register(bankB);
        console();

        assertThat(console.commit(XidText.of(undecided), false, null)).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("REFUSED");
            assertThat(r.getMessage()).contains("no commit decision").contains("recommendation is ROLLBACK").contains("force");
        });
        assertThat(console.commit(XidText.of(undecided), true, " ")).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("REFUSED");
            assertThat(r.getMessage()).contains("needs a reason");
            assertThat(r.getAuditId()).as("refused before anything was requested").isNull();
        });
        assertThat(bankB.state(undecided)).isEqualTo(State.PREPARED);

        ActionResult forced = console.commit(XidText.of(undecided), true, "customer paid by phone");

        assertThat(forced.getOutcome()).isEqualTo("DONE");
        assertThat(forced.isHeuristic()).isTrue();
        assertThat(forced.getMessage()).contains("heuristic");
        assertThat(bankB.state(undecided)).isEqualTo(State.COMMITTED);
        assertThat(heuristics.recent()).singleElement().satisfies(h -> {
            assertThat(h.participant()).isEqualTo("bank-b");
            assertThat(h.expected()).isEqualTo(Decision.ROLLBACK);
            assertThat(h.observed()).isEqualTo(Observed.COMMITTED);
            assertThat(h.detail()).contains("alice").contains("customer paid by phone");
        });
        assertThat(audit.read()).last().satisfies(r -> {
            assertThat(r.get("outcome")).isEqualTo("DONE");
            assertThat(r.get("heuristic")).isEqualTo(true);
        });
    }

    @Test
    void rollsBackWithoutADecisionAndRefusesWhileTheTransactionIsStillActive() {
        PlainXid undecided = earlierRun(2, 1);
        PlainXid running = thisRun(3);
        bankA.prepared(undecided).prepared(running);
        atomikos.register(bankA).live(XidText.gtrid(running));
        console();

        assertThat(console.rollback(XidText.of(running), false, null)).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("REFUSED");
            assertThat(r.getMessage()).contains("still active");
        });
        assertThat(console.rollback(XidText.of(undecided), false, null).getOutcome()).isEqualTo("DONE");

        assertThat(bankA.state(undecided)).isEqualTo(State.ROLLED_BACK);
        assertThat(bankA.state(running)).isEqualTo(State.PREPARED);
    }

    @Test
    void commitsABranchWhoseCommitIsDecidedEvenWhileAtomikosStillRetriesPhaseTwoButNeverRollsItBack() {
        PlainXid stuck = thisRun(4);
        bankB.prepared(stuck);
        atomikos.register(bankB).committing(XidText.gtrid(stuck));
        atomikos.live(XidText.gtrid(stuck));
        console();

        assertThat(console.showBranch(XidText.gtrid(stuck))).singleElement().satisfies(b -> {
            assertThat(b.getRecommendation()).isEqualTo("COMMIT");
            assertThat(b.isInFlight()).isTrue();
        });
        assertThat(console.rollback(XidText.of(stuck), false, null).getOutcome()).isEqualTo("REFUSED");
        assertThat(console.commit(XidText.of(stuck), false, null).getOutcome()).isEqualTo("DONE");
        assertThat(bankB.state(stuck)).isEqualTo(State.COMMITTED);
    }

    @Test
    void answersNotFoundForAnUnknownBranchAndAlreadyResolvedWhenTheParticipantNoLongerKnowsIt() {
        PlainXid undecided = earlierRun(2, 1);
        bankA.prepared(undecided);
        atomikos.register(bankA);
        console();

        assertThat(console.rollback("demo-1.0000:demo-1.1", false, null)).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("NOT_FOUND");
            assertThat(r.getMessage()).contains("resolved already");
        });

        bankA.failNext(Op.ROLLBACK, 1, XAException.XAER_NOTA);
        assertThat(console.rollback(XidText.of(undecided), false, null)).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("ALREADY_RESOLVED");
            assertThat(r.getMessage()).contains("XAER_NOTA");
        });
    }

    @Test
    void reportsAParticipantFailureWithoutClaimingSuccess() {
        PlainXid undecided = earlierRun(2, 1);
        bankA.prepared(undecided);
        atomikos.register(bankA);
        console();
        bankA.failNext(Op.ROLLBACK, 1, XAException.XAER_RMFAIL);

        assertThat(console.rollback(XidText.of(undecided), false, null)).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("FAILED");
            assertThat(r.getMessage()).contains("XAER_RMFAIL").contains("retry");
        });
        assertThat(bankA.state(undecided)).isEqualTo(State.PREPARED);
    }

    @Test
    void refusesToListWhenAParticipantCannotBeScannedRatherThanShowingPartOfTheTruth() {
        bankA.prepared(earlierRun(2, 1));
        bankB.unreachable(XAException.XAER_RMFAIL);
        atomikos.register(bankA).register(bankB);
        console();

        assertThatThrownBy(() -> console.listInDoubtBranches()).hasMessageContaining("cannot scan every participant")
                .hasMessageContaining("bank-b");
        assertThat(recovery.participants().scan("bank-b").reachable()).isFalse();
        assertThat(recovery.participants().scan("bank-a").reachable()).isTrue();
    }

    @Test
    void renewsARecoveryConnectionThatAtomikosClosedAndScansAgain() {
        PlainXid undecided = earlierRun(2, 1);
        bankB.prepared(undecided).unreachable(XAException.XAER_RMFAIL);
        atomikos.register(bankB).onRefresh("bank-b", bankB::reachable);
        console();

        assertThat(console.listInDoubtBranches()).extracting(BranchView::getXid).containsExactly(XidText.of(undecided));
        assertThat(atomikos.refreshed()).containsExactly("bank-b");

        recovery.runPass();
        assertThat(bankB.state(undecided)).as("the pass works with the renewed connection too").isEqualTo(State.ROLLED_BACK);
    }

    @Test
    void answersBusyWhileARecoveryPassHoldsTheParticipants() throws Exception {
        PlainXid undecided = earlierRun(2, 1);
        bankA.prepared(undecided);
        atomikos.register(bankA);
        console();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> pass = threads.submit(() -> recovery.exclusively(Duration.ofSeconds(1), () -> {
            holding.countDown();
            release.await();
            return null;
        }));
        holding.await();

        ActionResult busy = console.rollback(XidText.of(undecided), false, null);
        release.countDown();
        pass.get();

        assertThat(busy.getOutcome()).isEqualTo("BUSY");
        assertThat(busy.getMessage()).contains("nothing was done").contains("Try again");
        assertThat(bankA.state(undecided)).isEqualTo(State.PREPARED);
    }

    @Test
    void forgetsALogRecordOnlyWhenNoBranchOfItIsPreparedAnyMore() throws Exception {
        PlainXid decided = earlierRun(1, 1);
        bankA.prepared(decided);
        atomikos.register(bankA).pending(XidText.gtrid(decided), "COMMITTING", STARTED.toEpochMilli());
        console();

        assertThat(console.listLogRecords()).singleElement().satisfies(r -> {
            assertThat(r.getGtrid()).isEqualTo(XidText.gtrid(decided));
            assertThat(r.getState()).isEqualTo("COMMITTING");
            assertThat(r.getPreparedBranches()).isEqualTo(1);
            assertThat(r.getPurgeAt()).isEqualTo(STARTED.plus(Duration.ofHours(24)).toString());
        });
        assertThat(console.forget(XidText.gtrid(decided), null)).satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("REFUSED");
            assertThat(r.getMessage()).contains("still prepared");
        });
        assertThat(console.forget(XidText.of(decided), null).getOutcome()).as("a prepared branch is not forgotten")
                .isEqualTo("REFUSED");

        assertThat(console.commit(XidText.of(decided), false, null).getOutcome()).isEqualTo("DONE");
        assertThat(console.forget(XidText.gtrid(decided), "cleanup").getOutcome()).isEqualTo("DONE");
        assertThat(atomikos.forgotten()).containsExactly(XidText.gtrid(decided));
        assertThat(console.listLogRecords()).extracting(LogRecordView::getGtrid).isEmpty();
        assertThat(console.forget(XidText.gtrid(decided), null).getOutcome()).isEqualTo("NOT_FOUND");
    }

    @Test
    void doesNothingWhenTheAuditRecordCannotBeWritten() throws Exception {
        PlainXid undecided = earlierRun(2, 1);
        bankA.prepared(undecided);
        atomikos.register(bankA);
        console();
        Files.createDirectories(dir.resolve("audit.jsonl")); // a directory where the file should be

        ActionResult result = console.rollback(XidText.of(undecided), false, null);

        assertThat(result.getOutcome()).isEqualTo("FAILED");
        assertThat(result.getMessage()).contains("cannot write the audit record").contains("nothing was done");
        assertThat(bankA.state(undecided)).isEqualTo(State.PREPARED);
    }

    @Test
    void recoverNowStartsAPassOnlyWhileRecoveryRuns() throws Exception {
        PlainXid undecided = earlierRun(2, 1);
        atomikos.register(bankA);
        console();
        assertThat(console.recoverNow().getOutcome()).as("not started").isEqualTo("FAILED");

        recovery.start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> recovery.passes() >= 1);
            bankA.prepared(undecided);
            long before = recovery.passes();
            ActionResult started = console.recoverNow();
            assertThat(started.getOutcome()).isEqualTo("STARTED");
            // Passes come 2 s apart; within 1.5 s only the requested one can have run.
            org.awaitility.Awaitility.await().atMost(Duration.ofMillis(1500)).until(() -> recovery.passes() > before);
            assertThat(bankA.state(undecided)).as("the requested pass rolled back the earlier run's branch").isEqualTo(State.ROLLED_BACK);
            assertThat(audit.read()).extracting(r -> r.get("phase") + " " + r.get("action") + " " + r.get("outcome"))
                    .contains("outcome recover STARTED");
        } finally {
            recovery.stop();
        }
    }

    @Test
    void listsTheLogRecordsOnlyWhenEveryParticipantCouldBeScanned() {
        PlainXid decided = earlierRun(1, 1);
        bankA.prepared(decided).unreachable(XAException.XAER_RMFAIL);
        atomikos.register(bankA).pending(XidText.gtrid(decided), "COMMITTING", STARTED.toEpochMilli());
        console();

        assertThatThrownBy(() -> console.listLogRecords()).as("a count of 0 prepared branches would be a guess")
                .hasMessageContaining("cannot scan every participant");
    }

    private static PlainXid earlierRun(int counter, int branch) {
        return Xids.atomikos("demo-1", STARTED.toEpochMilli() - 60_000, counter, branch);
    }

    private static PlainXid thisRun(int counter) {
        return Xids.atomikos("demo-1", STARTED.toEpochMilli() + 1_000, counter, 1);
    }
}
