package dev.twophase.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * Many clients moving money at random across both banks and in both directions. Money is
 * conserved exactly, every committed transfer has its two ledger rows and its one event, and no
 * branch is left prepared. Also prints transfers per second with 1 and with 16 clients
 * (figures for information, not assertions: the machines are shared and noisy).
 */
class TransferConcurrencyIT extends RealParticipantsTest {

    static final int THREADS = 16;
    static final int TRANSFERS_PER_THREAD = 200;
    static final int SINGLE_CLIENT_TRANSFERS = 200;

    @LocalServerPort
    int port;

    @Test
    void sixteenClientsMakingRandomTransfersConserveMoneyAndLeaveNothingPrepared() throws Exception {
        Api api = new Api(port);
        // Warm up pools and JIT a little so the two figures compare like with like.
        run(api, 1, 20, new Counts());
        long committedBefore = rows(bankA, "transfer");

        Counts single = new Counts();
        long t0 = System.nanoTime();
        run(api, 1, SINGLE_CLIENT_TRANSFERS, single);
        double singleSeconds = (System.nanoTime() - t0) / 1e9;

        Counts many = new Counts();
        long t1 = System.nanoTime();
        run(api, THREADS, TRANSFERS_PER_THREAD, many);
        double manySeconds = (System.nanoTime() - t1) / 1e9;

        System.out.printf("%n[twophase figures] transfers/s, 1 client : %.1f (%d committed, %d refused, %.1f s)%n",
                single.committed.get() / singleSeconds, single.committed.get(), single.refused.get(), singleSeconds);
        System.out.printf("[twophase figures] transfers/s, %d clients: %.1f (%d committed, %d refused, %.1f s)%n%n",
                THREADS, many.committed.get() / manySeconds, many.committed.get(), many.refused.get(), manySeconds);

        assertThat(single.failed).as("unexpected answers").isEmpty();
        assertThat(many.failed).as("unexpected answers").isEmpty();
        assertThat(many.committed.get()).as("most random transfers are affordable").isGreaterThan(THREADS * TRANSFERS_PER_THREAD / 2);

        // Money is conserved exactly across the two databases.
        assertThat(total(bankA) + total(bankB)).isEqualTo(2 * BANK_TOTAL);
        // Every committed transfer: one registry row, one debit, one credit, one event.
        long committed = single.committed.get() + many.committed.get();
        assertThat(rows(bankA, "transfer")).isEqualTo(committedBefore + committed);
        long debits = bankA.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE direction = 'DEBIT'")
                + bankB.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE direction = 'DEBIT'");
        long credits = bankA.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE direction = 'CREDIT'")
                + bankB.queryLong("SELECT COUNT(*) FROM ledger_entry WHERE direction = 'CREDIT'");
        assertThat(debits).isEqualTo(rows(bankA, "transfer"));
        assertThat(credits).isEqualTo(rows(bankA, "transfer"));
        long drainStart = System.nanoTime();
        awaitConsistent(Duration.ofSeconds(120));
        System.out.printf("[twophase figures] inbox caught up %.1f s after the last transfer%n", (System.nanoTime() - drainStart) / 1e9);
        assertThat(inboxCount("transfer")).isEqualTo(rows(bankA, "transfer"));
        // Each bank's balances equal the initial money plus its ledger.
        for (var bank : List.of(bankA, bankB)) {
            long ledger = bank.queryLong("SELECT COALESCE(SUM(CASE direction WHEN 'CREDIT' THEN amount_cents ELSE -amount_cents END), 0) FROM ledger_entry");
            assertThat(total(bank)).isEqualTo(BANK_TOTAL + ledger);
        }
        assertThat(bankA.queryLong("SELECT COUNT(*) FROM account WHERE balance_cents < 0")
                + bankB.queryLong("SELECT COUNT(*) FROM account WHERE balance_cents < 0")).isZero();
        assertThat(preparedAnywhere()).isEmpty();
    }

    static final class Counts {
        final AtomicInteger committed = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
    }

    private static void run(Api api, int threads, int perThread, Counts counts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < perThread; i++) {
                        String fromBank = random.nextBoolean() ? "A" : "B";
                        String toBank = random.nextBoolean() ? "A" : "B";
                        int from = 1 + random.nextInt(10);
                        int to = 1 + random.nextInt(10);
                        if (fromBank.equals(toBank) && from == to) {
                            to = to % 10 + 1;
                        }
                        long cents = 1 + random.nextInt(30_000);
                        Api.Response r = api.transfer(fromBank, fromBank + String.format("-%04d", from), toBank,
                                toBank + String.format("-%04d", to), cents, UUID.randomUUID().toString());
                        if (r.status() == 201) {
                            counts.committed.incrementAndGet();
                        } else if (r.status() == 422 && r.body().get("type").asText().equals("/problems/insufficient-funds")) {
                            counts.refused.incrementAndGet();
                        } else {
                            counts.failed.add(r.status() + " " + r.raw().body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
