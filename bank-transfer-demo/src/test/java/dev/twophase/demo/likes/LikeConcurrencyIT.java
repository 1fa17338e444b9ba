package dev.twophase.demo.likes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.twophase.demo.support.Api;
import dev.twophase.demo.support.RealParticipantsTest;

/**
 * Many clients liking and unliking the same few articles as the same few users, at random. Each
 * article's count equals its like rows and the clients' successful likes minus unlikes, every
 * success has one like record and one consumed event, every failure none, and no branch is left
 * prepared. Deadlocks inside MariaDB are retried by the service, so clients see only 201, 200 and 409.
 */
@TestPropertySource(properties = "twophase.likes.daily-quota=100000")
class LikeConcurrencyIT extends RealParticipantsTest {

    static final int THREADS = 32;
    static final int ACTIONS_PER_THREAD = 40;
    static final List<String> USERS = List.of("u-1", "u-2", "u-3", "u-4", "u-5", "u-6", "u-7", "u-8");
    static final List<String> ARTICLES = List.of("art-1", "art-2", "art-3");

    @LocalServerPort
    int port;

    @Autowired
    ObjectProvider<MeterRegistry> meters;

    @Test
    void thirtyTwoClientsLikingAndUnlikingAtRandomKeepCountsRowsAndEventsEqual() throws Exception {
        Map<String, Long> initial = new ConcurrentHashMap<>();
        ARTICLES.forEach(a -> initial.put(a, likeCount(a)));
        Tally tally = new Tally();
        double retriesBefore = retries();

        long t0 = System.nanoTime();
        run(new Api(port), tally);
        double seconds = (System.nanoTime() - t0) / 1e9;

        int likes = tally.likes.values().stream().mapToInt(AtomicInteger::get).sum();
        int unlikes = tally.unlikes.values().stream().mapToInt(AtomicInteger::get).sum();
        int successes = likes + unlikes;
        System.out.printf("%n[twophase figures] likes: %d actions by %d clients (%d users, %d articles) in %.1f s (%.1f/s):"
                + " %d likes, %d unlikes, %d refused 409, %d deadlock retries, %d unexpected%n%n",
                THREADS * ACTIONS_PER_THREAD, THREADS, USERS.size(), ARTICLES.size(), seconds, THREADS * ACTIONS_PER_THREAD / seconds,
                likes, unlikes, tally.refused.get(), (long) (retries() - retriesBefore), tally.unexpected.size());

        assertThat(tally.unexpected).as("answers other than 201, 200 and 409; state now: %s", snapshot()).isEmpty();
        // Without these, a flow that refused everything would satisfy every equality below at zero.
        assertThat(likes).as("committed likes").isPositive();
        assertThat(unlikes).as("committed unlikes").isPositive();
        assertThat(successes + tally.refused.get()).isEqualTo(THREADS * ACTIONS_PER_THREAD);
        for (String article : ARTICLES) {
            long expected = initial.get(article) + tally.likes.get(article).get() - tally.unlikes.get(article).get();
            assertThat(likeCount(article)).as("like_count of " + article).isEqualTo(expected);
            assertThat(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE article_id = ?", article))
                    .as("user_like rows of " + article).isEqualTo(expected);
            assertThat(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE article_id = ? AND action = 'LIKE'", article))
                    .isEqualTo(tally.likes.get(article).get());
            assertThat(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE article_id = ? AND action = 'UNLIKE'", article))
                    .isEqualTo(tally.unlikes.get(article).get());
        }
        assertThat(rows(bankB, "like_action")).isEqualTo(successes);
        assertThat(bankB.queryLong("SELECT COALESCE(SUM(used), 0) FROM like_quota")).as("quota spent = committed likes").isEqualTo(likes);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(inboxCount("like") + inboxCount("unlike")).isEqualTo(successes));
        assertThat(inboxCount("like")).isEqualTo(likes);
        assertThat(preparedAnywhere()).isEmpty();
        awaitConsistent();
    }

    private void run(Api api, Tally tally) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < ACTIONS_PER_THREAD; i++) {
                        String user = USERS.get(random.nextInt(USERS.size()));
                        String article = ARTICLES.get(random.nextInt(ARTICLES.size()));
                        boolean like = random.nextBoolean();
                        Api.Response r = like
                                ? api.post("/api/articles/" + article + "/likes", "{\"userId\":\"" + user + "\"}")
                                : api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/articles/"
                                        + article + "/likes/" + user)).DELETE().build());
                        if (like && r.status() == 201) {
                            tally.likes.get(article).incrementAndGet();
                        } else if (!like && r.status() == 200) {
                            tally.unlikes.get(article).incrementAndGet();
                        } else if (r.status() == 409) {
                            tally.refused.incrementAndGet();
                        } else {
                            tally.unexpected.add((like ? "like " : "unlike ") + r.status() + " " + r.raw().body());
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

    /** Each article's count in bank A against its like rows and like/unlike records in bank B, for a failure message. */
    private static String snapshot() {
        StringBuilder out = new StringBuilder();
        for (String article : ARTICLES) {
            out.append(article).append(": like_count=").append(likeCount(article))
                    .append(" user_like=").append(bankB.queryLong("SELECT COUNT(*) FROM user_like WHERE article_id = ?", article))
                    .append(" likes=").append(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE article_id = ? AND action = 'LIKE'", article))
                    .append(" unlikes=").append(bankB.queryLong("SELECT COUNT(*) FROM like_action WHERE article_id = ? AND action = 'UNLIKE'", article))
                    .append("; ");
        }
        try {
            out.append("prepared: ").append(preparedAnywhere());
        } catch (Exception e) {
            out.append("prepared: ").append(e);
        }
        return out.toString();
    }

    private double retries() {
        MeterRegistry registry = meters.getIfAvailable();
        Counter counter = registry == null ? null : registry.find(LikeConfiguration.RETRIES_METRIC).counter();
        return counter == null ? 0 : counter.count();
    }

    private static long likeCount(String article) {
        return bankA.queryLong("SELECT like_count FROM article WHERE id = ?", article);
    }

    static final class Tally {
        final Map<String, AtomicInteger> likes = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> unlikes = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

        Tally() {
            ARTICLES.forEach(a -> {
                likes.put(a, new AtomicInteger());
                unlikes.put(a, new AtomicInteger());
            });
        }
    }
}
