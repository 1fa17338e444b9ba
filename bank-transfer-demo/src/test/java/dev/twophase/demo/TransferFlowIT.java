package dev.twophase.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.twophase.demo.bank.AccountRef;
import dev.twophase.demo.bank.Bank;
import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;
import dev.twophase.demo.transfer.TransferRequest;
import dev.twophase.demo.transfer.TransferService;
import dev.twophase.testing.ArtemisBrokerProcess;

/** The transfer flow on PostgreSQL + MariaDB/MySQL + Artemis: commit reaches all three, every failure leaves all three unchanged. */
class TransferFlowIT extends RealParticipantsTest {

    @LocalServerPort
    int port;

    @Autowired
    TransferService transfers;

    @Autowired
    PlatformTransactionManager transactionManager;

    Api api() {
        return new Api(port);
    }

    @Test
    void runsUnderAtomikosJta() {
        assertThat(transactionManager).isInstanceOf(JtaTransactionManager.class);
        assertThat(((JtaTransactionManager) transactionManager).getTransactionManager())
                .isInstanceOf(com.atomikos.icatch.jta.UserTransactionManager.class);
    }

    @ParameterizedTest(name = "{0}/{1} -> {2}/{3}")
    @CsvSource({ "A, A-0001, B, B-0001", "B, B-0002, A, A-0002" })
    void commitReachesAllThreeParticipants(String fromBank, String from, String toBank, String to) throws Exception {
        var fromDb = fromBank.equals("A") ? bankA : bankB;
        var toDb = toBank.equals("A") ? bankA : bankB;
        long fromBefore = balance(fromDb, from);
        long toBefore = balance(toDb, to);
        long transfersBefore = rows(bankA, "transfer");

        Api.Response response = api().transfer(fromBank, from, toBank, to, 1234, UUID.randomUUID().toString());

        assertThat(response.status()).as(response.raw().body()).isEqualTo(201);
        String id = response.body().get("id").asText();
        assertThat(balance(fromDb, from)).isEqualTo(fromBefore - 1234);
        assertThat(balance(toDb, to)).isEqualTo(toBefore + 1234);
        assertThat(fromDb.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ? AND direction = 'DEBIT' AND account_id = ?", id, from)).isEqualTo(1);
        assertThat(toDb.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE transfer_id = ? AND direction = 'CREDIT' AND account_id = ?", id, to)).isEqualTo(1);
        assertThat(rows(bankA, "transfer")).isEqualTo(transfersBefore + 1);
        awaitConsistent();
        assertThat(inboxCountFor(id)).isEqualTo(1);
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM inbox_event WHERE business_key = ? AND event_type = 'transfer'"
                + " AND schema_name = 'twophase.transfer.v1' AND event_id = (SELECT event_id FROM transfer WHERE id = ?)", id, id)).isEqualTo(1);
        assertThat(api().get("/api/transfers/" + id).body().get("amountCents").asLong()).isEqualTo(1234);
        assertThat(preparedAnywhere()).isEmpty();
    }

    @Test
    void exceptionAfterAllWorkRollsBackAllThree() throws Exception {
        Snapshot before = Snapshot.take();
        TransactionTemplate outer = new TransactionTemplate(transactionManager);

        assertThatThrownBy(() -> outer.executeWithoutResult(status -> {
            transfers.transfer(request("A-0003", "B-0003", 5000));
            // Everything is written to all three participants by now; fail before the commit.
            throw new IllegalStateException("injected after all work");
        })).hasMessage("injected after all work");

        awaitConsistent();
        assertThat(Snapshot.take()).isEqualTo(before);
        assertThat(preparedAnywhere()).isEmpty();
    }

    @Test
    void constraintViolationInSecondDatabaseRollsBackAllThree() throws Exception {
        // Bank B (MariaDB/MySQL) refuses this one amount; bank A's work is already done when it does.
        bankB.execute("ALTER TABLE ledger_entry ADD CONSTRAINT it_refuse_777 CHECK (amount_cents <> 777)");
        try {
            Snapshot before = Snapshot.take();

            Api.Response response = api().transfer("A", "A-0004", "B", "B-0004", 777, UUID.randomUUID().toString());

            assertThat(response.status()).as(response.raw().body()).isEqualTo(503);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body().get("outcome").asText()).isEqualTo("rolled back");
            awaitConsistent();
            assertThat(Snapshot.take()).isEqualTo(before);
            assertThat(preparedAnywhere()).isEmpty();
        } finally {
            bankB.execute("ALTER TABLE ledger_entry DROP CONSTRAINT it_refuse_777");
        }
    }

    @Test
    void failedBrokerSendRollsBackBothDatabasesAndTheNextTransferWorks() throws Exception {
        ArtemisBrokerProcess broker = ArtemisBrokerProcess.shared();
        Snapshot before = Snapshot.take();
        broker.kill();
        Api.Response response;
        try {
            response = api().transfer("A", "A-0005", "B", "B-0005", 4200, UUID.randomUUID().toString());
        } finally {
            broker.restart();
        }

        assertThat(response.status()).as(response.raw().body()).isEqualTo(503);
        assertThat(response.body().get("outcome").asText()).isEqualTo("rolled back");
        awaitConsistent();
        assertThat(Snapshot.take()).isEqualTo(before);
        assertThat(preparedAnywhere()).isEmpty();

        // The pool replaces the dead broker connection: the next transfer commits everywhere.
        Api.Response next = api().transfer("A", "A-0005", "B", "B-0005", 4200, UUID.randomUUID().toString());
        assertThat(next.status()).as(next.raw().body()).isEqualTo(201);
        assertThat(balance(bankA, "A-0005")).isEqualTo(before.balance("A-0005") - 4200);
        awaitConsistent();
        assertThat(inboxCountFor(next.body().get("id").asText())).isEqualTo(1);
        assertThat(inboxCount("transfer")).isEqualTo(before.inbox() + 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            insufficient funds     | 422 | /problems/insufficient-funds | {"from":{"bank":"A","account":"A-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":100001,"idempotencyKey":"k-insufficient"}
            unknown source account | 422 | /problems/unknown-account    | {"from":{"bank":"A","account":"A-9999"},"to":{"bank":"B","account":"B-0006"},"amountCents":100,"idempotencyKey":"k-unknown-from"}
            unknown target account | 422 | /problems/unknown-account    | {"from":{"bank":"A","account":"A-0006"},"to":{"bank":"B","account":"B-9999"},"amountCents":100,"idempotencyKey":"k-unknown-to"}
            same account           | 422 | /problems/same-account       | {"from":{"bank":"B","account":"B-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":100,"idempotencyKey":"k-same"}
            zero amount            | 400 | /problems/invalid-request    | {"from":{"bank":"A","account":"A-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":0,"idempotencyKey":"k-zero"}
            negative amount        | 400 | /problems/invalid-request    | {"from":{"bank":"A","account":"A-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":-5,"idempotencyKey":"k-negative"}
            fractional cents       | 400 | /problems/malformed-request  | {"from":{"bank":"A","account":"A-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":10.5,"idempotencyKey":"k-fraction"}
            amount as string       | 400 | /problems/malformed-request  | {"from":{"bank":"A","account":"A-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":"10","idempotencyKey":"k-string"}
            unknown bank           | 400 | /problems/malformed-request  | {"from":{"bank":"C","account":"A-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":10,"idempotencyKey":"k-bank"}
            missing target         | 400 | /problems/invalid-request    | {"from":{"bank":"A","account":"A-0006"},"amountCents":10,"idempotencyKey":"k-missing"}
            missing key            | 400 | /problems/invalid-idempotency-key | {"from":{"bank":"A","account":"A-0006"},"to":{"bank":"B","account":"B-0006"},"amountCents":10}
            malformed JSON         | 400 | /problems/malformed-request  | {"from":{"bank":"A","account":"A-0006"},"to":
            """)
    void badInputGetsProblemJsonAndChangesNothing(String name, int status, String type, String body) throws Exception {
        Snapshot before = Snapshot.take();

        Api.Response response = api().post("/api/transfers", body);

        assertThat(response.status()).as(response.raw().body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("type").asText()).isEqualTo(type);
        assertThat(response.body().get("detail").asText()).isNotBlank();
        awaitConsistent();
        assertThat(Snapshot.take()).isEqualTo(before);
    }

    @Test
    void oversizedBodyIsRefusedWith413() throws Exception {
        Snapshot before = Snapshot.take();
        String padding = " ".repeat(20_000);

        Api.Response response = api().post("/api/transfers",
                Api.transferJson("A", "A-0006", "B", "B-0006", "10", "k-big") + padding);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body().get("type").asText()).isEqualTo("/problems/request-too-large");
        assertThat(Snapshot.take()).isEqualTo(before);
    }

    @Test
    void oversizedChunkedBodyWithoutContentLengthIsRefusedWith413() throws Exception {
        Snapshot before = Snapshot.take();
        // Leading padding: the parser must read through it, whereas it may stop after the closing brace.
        byte[] body = (" ".repeat(20_000) + Api.transferJson("A", "A-0006", "B", "B-0006", "10", "k-big-chunked"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // An InputStream publisher has no known length: the body goes chunked, past the Content-Length check.
        Api.Response response = api().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/api/transfers"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build());

        assertThat(response.raw().request().headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.status()).as(response.raw().body()).isEqualTo(413);
        assertThat(response.body().get("type").asText()).isEqualTo("/problems/request-too-large");
        awaitConsistent();
        assertThat(Snapshot.take()).isEqualTo(before);
    }

    @Test
    void sameIdempotencyKeyTwiceGivesTheFirstResultAndOneTransfer() throws Exception {
        String key = "key-" + UUID.randomUUID();
        long before = balance(bankA, "A-0007");

        Api.Response first = api().transfer("A", "A-0007", "B", "B-0007", 300, key);
        Api.Response second = api().transfer("A", "A-0007", "B", "B-0007", 300, key);
        Api.Response different = api().transfer("A", "A-0007", "B", "B-0007", 301, key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(different.status()).isEqualTo(422);
        assertThat(different.body().get("type").asText()).isEqualTo("/problems/idempotency-key-reused");
        assertThat(balance(bankA, "A-0007")).isEqualTo(before - 300);
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM transfer WHERE idempotency_key = ?", key)).isEqualTo(1);
        awaitConsistent();
        assertThat(inboxCountFor(first.body().get("id").asText())).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneKeyMakeOneTransfer() throws Exception {
        String key = "race-" + UUID.randomUUID();
        long before = balance(bankB, "B-0008");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Api.Response>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> api().transfer("B", "B-0008", "A", "A-0008", 50, key)));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var answer : answers) {
                Api.Response r = answer.get();
                assertThat(r.status()).as(r.raw().body()).isIn(200, 201);
                ids.add(r.body().get("id").asText());
            }
            assertThat(ids).hasSize(1);
            awaitConsistent();
            assertThat(inboxCountFor(ids.iterator().next())).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(balance(bankB, "B-0008")).isEqualTo(before - 50);
        assertThat(preparedAnywhere()).isEmpty();
    }

    private static TransferRequest request(String from, String to, long cents) {
        return new TransferRequest(new AccountRef(Bank.valueOf(from.substring(0, 1)), from),
                new AccountRef(Bank.valueOf(to.substring(0, 1)), to), cents, UUID.randomUUID().toString());
    }

    /** Everything a transfer can change, across both databases. */
    record Snapshot(List<String> balancesA, List<String> balancesB, long ledgerA, long ledgerB, long transfers, long inbox) {

        static Snapshot take() {
            return new Snapshot(balances(bankA), balances(bankB), rows(bankA, "ledger_entry"), rows(bankB, "ledger_entry"),
                    rows(bankA, "transfer"), rows(bankA, "inbox_event"));
        }

        private static List<String> balances(dev.twophase.testing.DatabaseProbe bank) {
            List<String> out = new java.util.ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                String id = (bank == bankA ? "A" : "B") + String.format("-%04d", i);
                out.add(id + "=" + RealParticipantsTest.balance(bank, id));
            }
            return out;
        }

        long balance(String account) {
            return balancesA.stream().filter(s -> s.startsWith(account + "=")).findFirst()
                    .map(s -> Long.parseLong(s.substring(s.indexOf('=') + 1))).orElseThrow();
        }
    }
}
