package dev.twophase.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs an operation in a closed loop on a number of client threads: a warm-up whose results are
 * dropped, then timed rounds. Each completed operation's latency goes into an HdrHistogram
 * {@link Recorder}; the interval histogram taken at the end of a round gives that round's count.
 */
final class LoadDriver {

    /** Latencies are recorded in microseconds, up to one minute, with 3 significant digits. */
    private static final long MAX_LATENCY_US = 60_000_000L;

    private LoadDriver() {
    }

    /** One operation; any exception counts as an error and the client goes on. */
    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }

    /**
     * What the timed rounds measured; latencies in microseconds, one per operation completed in the
     * rounds. {@code errors} counts the timed rounds; {@code completedInAll} also counts the warm-up and
     * the operations that finished after the last round, i.e. every operation that succeeded.
     */
    record Measurement(int clients, List<Double> roundThroughputs, Histogram latencies, long errors, String firstError,
            long completedInAll) {

        /** The median of the rounds' throughputs, in operations per second. */
        double throughput() {
            List<Double> sorted = new ArrayList<>(roundThroughputs);
            sorted.sort(null);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        double minThroughput() {
            return roundThroughputs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        }

        double maxThroughput() {
            return roundThroughputs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        double p50Millis() {
            return latencies.getValueAtPercentile(50) / 1000.0;
        }

        double p99Millis() {
            return latencies.getValueAtPercentile(99) / 1000.0;
        }
    }

    /**
     * @param clients     threads, each running the operation back to back
     * @param warmup      time run before measuring; its operations are not counted
     * @param rounds      timed rounds (at least 1)
     * @param roundLength length of each round
     */
    static Measurement run(int clients, Duration warmup, int rounds, Duration roundLength, Operation operation)
            throws InterruptedException {
        if (clients < 1 || rounds < 1) {
            throw new IllegalArgumentException("clients and rounds must be at least 1");
        }
        Recorder recorder = new Recorder(MAX_LATENCY_US, 3);
        LongAdder errors = new LongAdder();
        LongAdder succeeded = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (running.get()) {
                        long start = System.nanoTime();
                        try {
                            operation.run();
                            succeeded.increment();
                            recorder.recordValue(Math.min(MAX_LATENCY_US, Math.max(1, (System.nanoTime() - start) / 1000)));
                        } catch (Exception e) {
                            errors.increment();
                            firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + rootMessage(e));
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        Histogram all = new Histogram(MAX_LATENCY_US, 3);
        List<Double> throughputs = new ArrayList<>();
        long roundErrors;
        try {
            Thread.sleep(warmup.toMillis());
            long errorsBefore = errors.sum();
            recorder.getIntervalHistogram(); // drop the warm-up
            Histogram interval = null;
            long roundStart = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                Thread.sleep(roundLength.toMillis());
                interval = recorder.getIntervalHistogram(interval);
                long now = System.nanoTime();
                throughputs.add(interval.getTotalCount() / ((now - roundStart) / 1e9));
                roundStart = now;
                all.add(interval);
            }
            roundErrors = errors.sum() - errorsBefore;
        } finally {
            stop(running, done);
        }
        return new Measurement(clients, throughputs, all, roundErrors, firstError.get(), succeeded.sum());
    }

    private static void stop(java.util.concurrent.atomic.AtomicBoolean running, CountDownLatch done) throws InterruptedException {
        running.set(false);
        if (!done.await(2, java.util.concurrent.TimeUnit.MINUTES)) {
            throw new IllegalStateException("clients did not finish their last operation within 2 minutes");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (cause: " + root + ")";
    }
}
