package dev.twophase.faults;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients sending one flow's requests to the application until stopped or until the
 * application goes away. Every answer is kept: a request that got no answer (the process died)
 * has an unknown outcome, which the suite settles from the participants' state.
 */
final class Load implements AutoCloseable {

    /** One request and what came back: an HTTP status, or -1 when no answer came (connection lost). */
    record Result(Flow.Request request, int status, String body) {
    }

    private final ExecutorService pool;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Result> results = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong sequence = new AtomicLong();

    private Load(int clients) {
        this.pool = Executors.newFixedThreadPool(clients);
    }

    /** Starts {@code clients} threads sending requests of the given flows in turn. */
    static Load start(DemoApp app, List<Flow> flows, int clients, String runId) {
        Load load = new Load(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            load.pool.submit(() -> load.run(app, flows, client, runId));
        }
        return load;
    }

    private void run(DemoApp app, List<Flow> flows, int client, String runId) {
        int i = client;
        while (running.get() && app.isAlive()) {
            Flow flow = flows.get(i++ % flows.size());
            Flow.Request request = flow.next(runId, sequence.incrementAndGet());
            try {
                HttpResponse<String> r = app.post(request.path(), request.body());
                results.add(new Result(request, r.statusCode(), r.body()));
            } catch (IOException lost) {
                results.add(new Result(request, -1, lost.toString()));
                pause(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops sending and waits for the requests in flight to end. */
    List<Result> stop() throws InterruptedException {
        running.set(false);
        pool.shutdown();
        if (!pool.awaitTermination(90, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        synchronized (results) {
            return List.copyOf(results);
        }
    }


    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
