package dev.twophase.demo.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.twophase.demo.consistency.ConsistencyReport;
import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;
import dev.twophase.testing.DatabaseProbe;

/**
 * The transfer as a Saga, a TCC and through the outbox, on the real PostgreSQL (bank A), MariaDB (bank
 * B) and Artemis: what each mode leaves in the accounts, the ledgers, its log and the inbox when it
 * commits and when a step is refused; idempotency across modes; and the recovery timer finishing what
 * a crash left in each state (the states are written as a crash leaves them; the fault-injection
 * suite makes the crashes themselves). The base class checks every invariant after each test.
 */
@TestPropertySource(properties = { "twophase.patterns.recovery-interval=200ms", "twophase.patterns.stale-after=1s",
        "twophase.patterns.timeout=3s", "twophase.likes.daily-quota=3" })
class PatternTransferIT extends RealParticipantsTest {

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(strings = { "saga", "tcc", "outbox" })
    void aTransferInEachModeMovesTheMoneyOnceWithOneEvent(String mode) {
        Api api = new Api(port);
        long a1 = balance(bankA, "A-0001");
        long b1 = balance(bankB, "B-0001");

        Api.Response there = api.transfer(mode, "A", "A-0001", "B", "B-0001", 250, key());
        Api.Response back = api.transfer(mode, "B", "B-0001", "A", "A-0001", 100, key());

        int expected = mode.equals("outbox") ? 202 : 201;
        assertThat(there.status()).as(there.body().toString()).isEqualTo(expected);
        assertThat(back.status()).as(back.body().toString()).isEqualTo(expected);
        assertThat(there.body().get("mode").asText()).isEqualTo(mode.toUpperCase());
        String id = there.body().get("id").asText();
        awaitConsistent();
        assertThat(balance(bankA, "A-0001")).isEqualTo(a1 - 150);
        assertThat(balance(bankB, "B-0001")).isEqualTo(b1 + 150);
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ? AND direction = 'DEBIT'", id)).isOne();
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ? AND direction = 'CREDIT'", id)).isOne();
        assertThat(inboxCountFor(id)).as("the transfer event, consumed once").isOne();
        assertThat(api.get("/api/transfers/" + id).body().get("state").asText()).isEqualTo("DONE");
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM account WHERE frozen_cents <> 0")
                + bankB.queryLong("SELECT COUNT(*) FROM account WHERE frozen_cents <> 0")).isZero();

        // The protocol timeline shows the flow's own steps under its id: local commits in each bank and the log's
        // states, in the order the mode runs them, and no XA call.
        List<String> steps = timelineSteps(api, id);
        List<String> expectedOrder = switch (mode) {
            case "saga" -> List.of("bank-a debit action ok", "coordinator log DEBITED ok", "bank-b credit action ok",
                    "coordinator log DONE ok");
            case "tcc" -> List.of("bank-a from try ok", "bank-b to try ok", "coordinator log CONFIRMING ok", "bank-a from confirm ok",
                    "bank-b to confirm ok", "coordinator log DONE ok");
            default -> List.of("bank-a debit + event ok", "bank-b credit (consumer) ok", "coordinator log DONE ok");
        };
        assertThat(steps).as("the timeline of %s transfer %s", mode, id).containsSubsequence(expectedOrder)
                .noneMatch(step -> step.contains(" prepare ") || step.contains("log COMMITTING"));
    }

    /** The steps of one flow on the timeline, as "actor step result", once its outcome is final. */
    private static List<String> timelineSteps(Api api, String gid) {
        for (JsonNode tx : api.get("/api/timeline?limit=200&participants=2").body()) {
            if (tx.path("gtrid").asText().equals(gid)) {
                assertThat(tx.path("outcome").asText()).as(tx.toString()).isEqualTo("done");
                assertThat(tx.path("action").asText()).as(tx.toString()).matches("transfer \\((saga|tcc|outbox)\\)");
                List<String> steps = new ArrayList<>();
                tx.path("steps").forEach(st -> steps.add(st.path("actor").asText() + " " + st.path("step").asText() + " "
                        + st.path("result").asText()));
                return steps;
            }
        }
        throw new AssertionError("transfer " + gid + " is not on the timeline");
    }

    @Test
    void aSagaWhoseCreditIsRefusedCompensatesItsDebit() {
        Api api = new Api(port);
        long before = balance(bankA, "A-0002");

        Api.Response r = api.transfer("saga", "A", "A-0002", "B", "B-9999", 300, key());

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body().get("type").asText()).isEqualTo("/problems/unknown-account");
        assertThat(r.body().get("detail").asText()).contains("B-9999").contains("compensated");
        assertThat(balance(bankA, "A-0002")).isEqualTo(before);
        String gid = bankA.queryString("SELECT gid FROM pattern_tx WHERE to_account = 'B-9999' AND mode = 'SAGA'");
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE gid = ? AND state = 'COMPENSATED'", gid)).isOne();
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ? AND direction IN ('DEBIT', 'REFUND')", gid))
                .as("the debit and its refund, both on the record").isEqualTo(2);
        assertThat(inboxCountFor(gid)).as("no event for an undone transfer").isZero();
    }

    @Test
    void aSagaWhoseDebitIsRefusedIsRejectedAfterFencingOutALateDebit() {
        Api api = new Api(port);
        long before = balance(bankB, "B-0010");
        String key = key();

        Api.Response r = api.transfer("saga", "B", "B-0010", "A", "A-0010", before + 1, key);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body().get("type").asText()).isEqualTo("/problems/insufficient-funds");
        assertThat(r.body().get("detail").asText()).contains("Nothing was changed");
        String gid = bankA.queryString("SELECT gid FROM pattern_tx WHERE idempotency_key = '" + key + "'");
        assertThat(bankA.queryString("SELECT state FROM pattern_tx WHERE gid = '" + gid + "'")).isEqualTo("REJECTED");
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM branch_barrier WHERE gid = ? AND op IN ('action', 'compensate')", gid))
                .as("the null compensation's rows: a debit arriving from a concurrent driver now does nothing").isEqualTo(2);
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ?", gid)).isZero();
        assertThat(balance(bankB, "B-0010")).isEqualTo(before);
    }

    @Test
    void aKeyIsOneTransferWhateverItsMode() {
        Api api = new Api(port);
        String xaKey = key();
        String sagaKey = key();
        assertThat(api.transfer("A", "A-0003", "B", "B-0003", 5, xaKey).status()).isEqualTo(201);
        assertThat(api.transfer("saga", "A", "A-0003", "B", "B-0003", 5, sagaKey).status()).isEqualTo(201);

        Api.Response sagaWithXaKey = api.transfer("saga", "A", "A-0003", "B", "B-0003", 5, xaKey);
        Api.Response xaWithSagaKey = api.transfer("A", "A-0003", "B", "B-0003", 5, sagaKey);

        assertThat(sagaWithXaKey.status()).isEqualTo(422);
        assertThat(sagaWithXaKey.body().get("type").asText()).isEqualTo("/problems/idempotency-key-reused");
        assertThat(xaWithSagaKey.status()).isEqualTo(422);
        assertThat(xaWithSagaKey.body().get("type").asText()).isEqualTo("/problems/idempotency-key-reused");
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE idempotency_key IN (?, ?)", xaKey, sagaKey)).isOne();
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM transfer WHERE idempotency_key IN (?, ?)", xaKey, sagaKey)).isOne();
    }

    @Test
    void anOutboxCreditLostAfterItsPublishIsPublishedAgainAfterTheTimeout() {
        long a = balance(bankA, "A-0002");
        long b = balance(bankB, "B-0009");
        String gid = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        String creditId = UUID.nameUUIDFromBytes(("credit:" + gid).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        long createdMs = System.currentTimeMillis() - 60_000;
        // Debited and published long ago, but the message never produced a credit (it went to the dead-letter queue).
        bankA.execute("UPDATE account SET balance_cents = balance_cents - 40 WHERE id = 'A-0002'");
        bankA.execute("INSERT INTO ledger_entry (transfer_id, account_id, direction, amount_cents) VALUES ('" + gid + "', 'A-0002', 'DEBIT', 40)");
        bankA.execute("INSERT INTO outbox_event (event_id, destination, event_type, business_key, payload, published_at) VALUES ('"
                + creditId + "', 'transfer-credits', 'transfer-credit', '" + gid + "', '{\"schema\":\"twophase.transfer-credit.v1\","
                + "\"eventId\":\"" + creditId + "\",\"eventType\":\"transfer-credit\",\"businessKey\":\"" + gid + "\",\"transferId\":\""
                + gid + "\",\"transferEventId\":\"" + eventId + "\",\"amountCents\":40,\"createdMs\":" + createdMs
                + ",\"from\":{\"bank\":\"A\",\"account\":\"A-0002\"},\"to\":{\"bank\":\"B\",\"account\":\"B-0009\"}}', CURRENT_TIMESTAMP)");
        bankA.execute("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, from_bank, from_account,"
                + " to_bank, to_account, amount_cents, event_id, created_ms, updated_ms, deadline_ms, exposed_ms) VALUES ('" + gid
                + "', 'OUTBOX', 'transfer', 'SENT', 'lost-" + gid + "', 'x', 'A', 'A-0002', 'B', 'B-0009', 40, '" + eventId + "', "
                + createdMs + ", " + createdMs + ", " + (createdMs + 3000) + ", " + createdMs + ")");

        awaitState(bankA, gid, "DONE");
        awaitConsistent();
        assertThat(balance(bankA, "A-0002")).isEqualTo(a - 40);
        assertThat(balance(bankB, "B-0009")).isEqualTo(b + 40);
        assertThat(inboxCountFor(gid)).isOne();
    }

    @Test
    void aTccWhoseTryIsRefusedCancelsAndReleasesWhatItFroze() {
        Api api = new Api(port);
        long before = balance(bankB, "B-0003");

        String k1 = key();
        String k2 = key();
        Api.Response poor = api.transfer("tcc", "B", "B-0003", "A", "A-0003", before + 1, k1);
        Api.Response nowhere = api.transfer("tcc", "B", "B-0003", "A", "A-9999", 400, k2);

        assertThat(poor.status()).isEqualTo(422);
        assertThat(poor.body().get("type").asText()).isEqualTo("/problems/insufficient-funds");
        assertThat(nowhere.status()).isEqualTo(422);
        assertThat(nowhere.body().get("detail").asText()).contains("A-9999").contains("cancelled");
        assertThat(balance(bankB, "B-0003")).isEqualTo(before);
        assertThat(bankB.queryLong("SELECT frozen_cents FROM account WHERE id = 'B-0003'")).as("the freeze of the second try, released").isZero();
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE idempotency_key IN (?, ?) AND state = 'CANCELLED'", k1, k2))
                .isEqualTo(2);
        String second = bankA.queryString("SELECT gid FROM pattern_tx WHERE idempotency_key = '" + k2 + "'");
        assertThat(bankB.queryLong("SELECT COUNT(*) FROM branch_barrier WHERE gid = ? AND op IN ('try', 'cancel')", second))
                .as("the freeze of B-0003 and its cancel").isEqualTo(2);
    }

    @Test
    void anOutboxTransferIsRefusedBeforeItsDebitOrNotAtAll() {
        Api api = new Api(port);
        long before = balance(bankA, "A-0004");
        long outboxBefore = rows(bankA, "outbox_event");
        String k1 = key();
        String k2 = key();

        Api.Response nowhere = api.transfer("outbox", "A", "A-0004", "B", "B-9999", 10, k1);
        Api.Response poor = api.transfer("outbox", "A", "A-0004", "B", "B-0004", before + 1, k2);

        assertThat(nowhere.status()).isEqualTo(422);
        assertThat(poor.status()).isEqualTo(422);
        assertThat(balance(bankA, "A-0004")).isEqualTo(before);
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE idempotency_key IN (?, ?)", k1, k2)
                + bankB.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE idempotency_key IN (?, ?)", k1, k2))
                .as("a refused outbox transfer logs nothing").isZero();
        assertThat(rows(bankA, "outbox_event")).isEqualTo(outboxBefore);
    }

    @Test
    void aRepeatedKeyGetsTheFirstResultAndAKeyReusedForAnotherModeIsRefused() {
        Api api = new Api(port);
        String key = key();
        Api.Response first = api.transfer("saga", "A", "A-0005", "B", "B-0005", 50, key);
        Api.Response again = api.transfer("saga", "A", "A-0005", "B", "B-0005", 50, key);
        Api.Response otherMode = api.transfer("tcc", "A", "A-0005", "B", "B-0005", 50, key);
        Api.Response badMode = api.post("/api/transfers", "{\"from\":{\"bank\":\"A\",\"account\":\"A-0005\"},\"to\":{\"bank\":\"B\","
                + "\"account\":\"B-0005\"},\"amountCents\":5,\"idempotencyKey\":\"" + key() + "\",\"mode\":\"2pc\"}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body().get("id").asText()).isEqualTo(first.body().get("id").asText());
        assertThat(otherMode.status()).isEqualTo(422);
        assertThat(otherMode.body().get("type").asText()).isEqualTo("/problems/idempotency-key-reused");
        assertThat(badMode.status()).isEqualTo(400);
        assertThat(badMode.body().get("type").asText()).isEqualTo("/problems/invalid-mode");
        assertThat(badMode.body().get("detail").asText()).contains("xa, saga, tcc, outbox").doesNotContain("Exception");
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE idempotency_key = ?", key)).isOne();
    }

    @Test
    void recoveryFinishesASagaLeftDebitedAndCompensatesOneLeftStartedPastItsTimeout() {
        long a6 = balance(bankA, "A-0006");
        long b6 = balance(bankB, "B-0006");
        // Crashed after the debit's local commit, before its log said DEBITED: the debit and its barrier row are there.
        // (The log row goes in last: the recovery timer must not see it before the state it describes.)
        String debited = UUID.randomUUID().toString();
        bankA.execute("UPDATE account SET balance_cents = balance_cents - 70 WHERE id = 'A-0006'");
        bankA.execute("INSERT INTO ledger_entry (transfer_id, account_id, direction, amount_cents) VALUES ('" + debited + "', 'A-0006', 'DEBIT', 70)");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + debited + "', 'debit', 'action')");
        crashedLogRow(debited, "SAGA", "STARTED", "A-0006", "B-0006", 70, 60_000);
        // Crashed before its debit, and stayed down past its timeout.
        String timedOut = crashedLogRow(UUID.randomUUID().toString(), "SAGA", "STARTED", "A-0007", "B-0007", 80, -1);

        awaitState(bankA, debited, "DONE");
        awaitState(bankA, timedOut, "COMPENSATED");
        awaitConsistent();
        assertThat(balance(bankA, "A-0006")).isEqualTo(a6 - 70);
        assertThat(balance(bankB, "B-0006")).isEqualTo(b6 + 70);
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ?", debited)).as("the debit ran once").isOne();
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ?", timedOut)).as("null compensation").isZero();
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM branch_barrier WHERE gid = ? AND op = 'action'", timedOut))
                .as("the compensation blocks a late debit").isOne();
    }

    @Test
    void recoveryCancelsATccLeftTryingAndConfirmsOneLeftConfirming() {
        long a8 = balance(bankA, "A-0008");
        long a9 = balance(bankA, "A-0009");
        long b8 = balance(bankB, "B-0008");
        String trying = UUID.randomUUID().toString();
        freeze(trying, "A-0008", 90);
        crashedLogRow(trying, "TCC", "TRYING", "A-0008", "B-0008", 90, 60_000);
        String confirming = UUID.randomUUID().toString();
        freeze(confirming, "A-0009", 60);
        bankB.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + confirming + "', 'to', 'try')");
        crashedLogRow(confirming, "TCC", "CONFIRMING", "A-0009", "B-0008", 60, 60_000);

        awaitState(bankA, trying, "CANCELLED");
        awaitState(bankA, confirming, "DONE");
        awaitConsistent();
        assertThat(balance(bankA, "A-0008")).as("cancelled: nothing spent").isEqualTo(a8);
        assertThat(balance(bankA, "A-0009")).isEqualTo(a9 - 60);
        assertThat(balance(bankB, "B-0008")).isEqualTo(b8 + 60);
        assertThat(bankA.queryLong("SELECT SUM(frozen_cents) FROM account")).isZero();
    }

    @Test
    void concurrentTransfersInEveryModeStayConsistentAndTheirIntermediateStatesAreMeasured() throws Exception {
        Api api = new Api(port);
        int sagasExposedBefore = exposed(awaitConsistent(), "saga");
        long doneBefore = done();
        List<String> modes = List.of("xa", "saga", "tcc", "outbox");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String mode = modes.get(i % modes.size());
                results.add(pool.submit(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    boolean aToB = r.nextBoolean();
                    String from = String.format("%s-%04d", aToB ? "A" : "B", 1 + r.nextInt(10));
                    String to = String.format("%s-%04d", aToB ? "B" : "A", 1 + r.nextInt(10));
                    return api.transfer(mode, from.substring(0, 1), from, to.substring(0, 1), to, 1 + r.nextInt(300), key()).status();
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isIn(201, 202);
            }
        } finally {
            pool.shutdown();
        }
        ConsistencyReport report = awaitConsistent(Duration.ofSeconds(30));
        assertThat(total(bankA) + total(bankB)).isEqualTo(2 * BANK_TOTAL);
        assertThat(exposed(report, "saga") - sagasExposedBefore).as("every saga showed its debit before its credit").isEqualTo(20);
        assertThat(done() - doneBefore).as("20 each of saga, tcc and outbox").isEqualTo(60);
    }

    @SuppressWarnings("unchecked")
    private static int exposed(ConsistencyReport report, String mode) {
        Map<String, Object> figures = (Map<String, Object>) report.invariant("intermediate-states").figures().get(mode);
        return ((Number) figures.get("exposed")).intValue();
    }

    private static long done() {
        return bankA.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE state = 'DONE' AND flow = 'transfer'")
                + bankB.queryLong("SELECT COUNT(*) FROM pattern_tx WHERE state = 'DONE' AND flow = 'transfer'");
    }

    private static String key() {
        return "it-" + UUID.randomUUID();
    }

    /** A log row in bank A as a crash leaves it: unchanged for a minute, its timeout {@code deadlineFromNowMs} away. */
    private static String crashedLogRow(String gid, String mode, String state, String from, String to, long amount, long deadlineFromNowMs) {
        long now = System.currentTimeMillis();
        bankA.execute("INSERT INTO pattern_tx (gid, mode, flow, state, idempotency_key, request_fingerprint, from_bank, from_account,"
                + " to_bank, to_account, amount_cents, event_id, created_ms, updated_ms, deadline_ms) VALUES ('" + gid + "', '" + mode
                + "', 'transfer', '" + state + "', 'crash-" + gid + "', 'x', 'A', '" + from + "', 'B', '" + to + "', " + amount + ", '"
                + UUID.randomUUID() + "', " + (now - 60_000) + ", " + (now - 60_000) + ", " + (now + deadlineFromNowMs) + ")");
        return gid;
    }

    private static void freeze(String gid, String account, long amount) {
        bankA.execute("UPDATE account SET frozen_cents = frozen_cents + " + amount + " WHERE id = '" + account + "'");
        bankA.execute("INSERT INTO branch_barrier (gid, branch_id, op) VALUES ('" + gid + "', 'from', 'try')");
    }

    private static void awaitState(DatabaseProbe bank, String gid, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(bank.queryString("SELECT state FROM pattern_tx WHERE gid = '" + gid + "'")).isEqualTo(state));
    }
}
