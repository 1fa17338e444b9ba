package dev.twophase.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.twophase.testing.TestServers;

/**
 * Restarts the machine's local PostgreSQL and MariaDB services, the way an operator or a crash
 * would: the commands of the machine notes (and of scripts/prepare-local-services.sh). Only for
 * servers on this machine; a test that needs it is skipped where they are not local services.
 */
final class LocalServices {

    private LocalServices() {
    }

    static boolean canRestartPostgres() {
        return TestServers.postgres().url().contains("127.0.0.1") && postgresVersion() != null && onPath("pg_ctlcluster");
    }

    static boolean canRestartMariaDb() {
        return TestServers.mysql().url().contains("127.0.0.1") && Files.isExecutable(Path.of("/usr/sbin/mariadbd"))
                && onPath("start-stop-daemon") && (onPath("mariadb-admin") || onPath("mysqladmin"));
    }

    /** Restarts the PostgreSQL cluster (fast shutdown: sessions are cut, prepared transactions survive). */
    static void restartPostgres() {
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", postgresVersion(), "main", "restart", "--", "-m", "fast"));
        awaitJdbc(TestServers.postgres());
    }

    /**
     * Stops the PostgreSQL cluster (fast shutdown), keeps it down for {@code down}, and starts it again: a
     * database that does not answer for a while, as a failover or a long restart does.
     */
    static void stopPostgresFor(Duration down) {
        try {
            run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", postgresVersion(), "main", "stop", "--", "-m", "fast"));
            sleep(down.toMillis());
        } finally {
            // Whatever happened above, leave the machine's PostgreSQL running.
            run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", postgresVersion(), "main", "start"));
        }
        awaitJdbc(TestServers.postgres());
    }

    /**
     * Stops MariaDB (clean shutdown: prepared XA branches survive, since 10.5) and starts it again.
     * Only the server the tests use: it is found by the pid file it reports, so another mariadbd on
     * this machine (a second instance on another port) is neither waited for nor mistaken for it.
     */
    static void restartMariaDb() {
        String pidFile = mariaDbPidFile();
        long pid = readPid(pidFile);
        try {
            run(List.of(onPath("mariadb-admin") ? "mariadb-admin" : "mysqladmin", "-h", "127.0.0.1", "-uroot", "shutdown"));
            // The shutdown command returns before the server has exited; starting now would find it
            // still running (--oknodo) and do nothing, and then it would be gone.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) || portOpen(3306)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("MariaDB (pid " + pid + ") did not stop within 60 s");
                }
                sleep(100);
            }
        } finally {
            // Whatever happened above, leave the machine's MariaDB running.
            run(List.of("start-stop-daemon", "--start", "--oknodo", "--background", "--pidfile", pidFile, "--exec", "/usr/sbin/mariadbd"));
        }
        awaitJdbc(TestServers.mysql());
    }

    /** The pid file of the MariaDB server the tests use, as it reports it. */
    private static String mariaDbPidFile() {
        TestServers.Jdbc server = TestServers.mysql();
        try (Connection c = DriverManager.getConnection(server.url(), server.username(), server.password());
                var st = c.createStatement();
                var rs = st.executeQuery("SELECT @@pid_file, @@datadir")) {
            rs.next();
            // A relative pid file is relative to the data directory.
            return Path.of(rs.getString(2)).resolve(rs.getString(1)).toString();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot ask MariaDB for its pid file", e);
        }
    }

    private static long readPid(String pidFile) {
        try {
            return Long.parseLong(Files.readString(Path.of(pidFile)).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read MariaDB's pid from " + pidFile, e);
        }
    }

    private static boolean portOpen(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static void awaitJdbc(TestServers.Jdbc server) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(server.url(), server.username(), server.password())) {
                if (c.isValid(2)) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            sleep(200);
        }
        throw new IllegalStateException(server.url() + " did not come back within 60 s");
    }

    private static void run(List<String> command) {
        List<String> resolved = new java.util.ArrayList<>(command);
        resolved.set(0, which(command.get(0)));
        try {
            Process p = new ProcessBuilder(resolved).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String postgresVersion() {
        Path etc = Path.of("/etc/postgresql");
        if (!Files.isDirectory(etc)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(etc)) {
            return versions.map(p -> p.getFileName().toString()).filter(v -> v.matches("\\d+"))
                    .max((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b))).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean onPath(String command) {
        return !which(command).equals(command);
    }

    /** The command's full path (PATH, then the usual system directories), or the name itself when not found. */
    private static String which(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin:/sbin:/bin";
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable).map(Path::toString).findFirst().orElse(command);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
