package dev.twophase.demo.patterns;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;

/**
 * A task that runs on its own daemon thread every {@code interval} (fixed delay) between the
 * application context's start and stop; stopping waits up to 10 s for a running pass to end.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private final String threadName;
    protected final Duration interval;
    private volatile ScheduledExecutorService timer;

    protected PeriodicTask(String threadName, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(threadName + " interval must be positive, was " + interval);
        }
        this.threadName = threadName;
        this.interval = interval;
    }

    /** A task that runs {@code pass} every {@code interval} on a daemon thread named {@code threadName}. */
    public static PeriodicTask every(String threadName, Duration interval, Runnable pass) {
        return new PeriodicTask(threadName, interval) {
            @Override
            protected void tick() {
                pass.run();
            }
        };
    }

    /** One pass; an exception it throws is the subclass's to log, the next pass runs anyway. */
    protected abstract void tick();

    @Override
    public void start() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
        t.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(getClass()).warn("{} pass failed: {}", threadName, e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        timer = t;
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdown();
            try {
                if (!t.awaitTermination(10, TimeUnit.SECONDS)) {
                    t.shutdownNow();
                }
            } catch (InterruptedException e) {
                t.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
