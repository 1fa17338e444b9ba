package dev.twophase.participants.artemis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link ArtemisBroker} with a TCP acceptor as its own process, for tests and for users
 * without Docker:
 *
 * <pre>java -cp ... dev.twophase.participants.artemis.StandaloneBroker --data-dir DIR [--host 127.0.0.1] [--port 61616] [--parent-pid PID]</pre>
 *
 * <p>Prints exactly one line, {@code TWOPHASE BROKER READY tcp://HOST:PORT}, to standard output
 * once the port accepts connections, and stops the broker cleanly on SIGTERM. Exits with 2 on bad
 * arguments and 1 when the broker cannot start. With {@code --parent-pid} it also stops when that
 * process ends, so a broker started by a test JVM that crashed does not keep its port. Not for production (see {@link ArtemisBroker}).
 */
public final class StandaloneBroker {

    /** The prefix of the line that announces a started broker. */
    public static final String READY = "TWOPHASE BROKER READY ";

    static final String USAGE = "usage: StandaloneBroker --data-dir DIR [--host 127.0.0.1] [--port 61616] [--parent-pid PID]";

    private StandaloneBroker() {
    }

    /** Parsed command line. */
    record Options(Path dataDir, String host, int port, long parentPid) {

        static Options parse(String[] args) {
            Path dataDir = null;
            String host = "127.0.0.1";
            int port = BrokerAddress.DEFAULT_PORT;
            long parentPid = -1;
            for (int i = 0; i < args.length; i += 2) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
                String value = args[i + 1];
                switch (name) {
                    case "--data-dir" -> dataDir = Path.of(value);
                    case "--host" -> host = value;
                    case "--port" -> port = port(value);
                    case "--parent-pid" -> parentPid = pid(value);
                    default -> throw new IllegalArgumentException("unknown option '" + name + "'");
                }
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("--data-dir is required");
            }
            return new Options(dataDir, host, port, parentPid);
        }

        private static long pid(String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--parent-pid must be a process id, was '" + value + "'");
            }
        }

        private static int port(String value) {
            int port;
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port must be a number, was '" + value + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port must be between 1 and 65535, was " + port);
            }
            return port;
        }
    }

    /** Starts the broker and blocks until the JVM is told to stop. */
    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("StandaloneBroker: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        ArtemisBroker broker;
        try {
            broker = ArtemisBroker.start(options.dataDir(), options.host(), options.port());
            awaitAccepting(options.host(), options.port());
        } catch (Exception e) {
            System.err.println("StandaloneBroker: the broker did not start on " + options.host() + ":" + options.port()
                    + " with data directory " + options.dataDir().toAbsolutePath() + ": " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                System.err.println("StandaloneBroker: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "twophase-broker-shutdown"));
        if (options.parentPid() > 0) {
            // System.exit runs the shutdown hook above, so the journal is closed cleanly.
            ProcessHandle.of(options.parentPid()).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> System.exit(0)),
                    () -> System.exit(0));
        }
        System.out.println(READY + broker.tcpUrl());
        System.out.flush();
        stopped.await();
    }

    /** The acceptor binds asynchronously on some versions: only announce a port that answers. */
    private static void awaitAccepting(String host, int port) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1_000);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
