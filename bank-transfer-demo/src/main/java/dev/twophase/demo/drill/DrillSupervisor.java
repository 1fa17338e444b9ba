package dev.twophase.demo.drill;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

import dev.twophase.coordinator.TwophaseStartupException;

/**
 * The crash drill's supervisor: with {@code twophase.drill.supervise=true} the process that was started
 * does not run the application itself. It starts the application as a child process (same JVM, same
 * JVM options, same arguments) and starts it again each time it ends with the exit status of a
 * {@code HALT} fault (99), so a drill's crash is followed by a restart and recovery without anyone
 * typing a command. Any other exit status ends the supervisor with that status; stopping the
 * supervisor (Ctrl-C, SIGTERM) stops the child gracefully first. {@value #MAX_HALTS_BEFORE_READY}
 * halts in a row before the application served (a {@code HALT} rule armed at startup halts every
 * start in its recovery) end it too; the child tells it that it served by creating the file named in
 * {@value #READY_FILE_ENV}.
 *
 * <p>It acts when Spring Boot has read the configuration (so the property may come from the command
 * line, the environment or a profile such as {@code drill}) and before anything else starts. The child
 * knows it is supervised by the environment variable {@value #CHILD_ENV} (the supervisor's pid); it
 * stops by itself when its supervisor is gone.
 */
public final class DrillSupervisor implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    /** Whether to run the application under the supervisor. */
    public static final String PROPERTY = "twophase.drill.supervise";
    /** Set on the child: the supervisor's pid. */
    static final String CHILD_ENV = "TWOPHASE_DRILL_SUPERVISOR_PID";
    /** Set on the child: how many times the supervisor restarted it after a halt. */
    static final String RESTARTS_ENV = "TWOPHASE_DRILL_RESTARTS";
    /** Set on the child: a file it creates once it serves, so that the supervisor can tell a drill from a crash loop. */
    static final String READY_FILE_ENV = "TWOPHASE_DRILL_READY_FILE";
    /** The exit status of {@code HALT} without an explicit one (FaultAction.Halt.DEFAULT_STATUS). */
    static final int HALT_STATUS = 99;
    static final int MAX_HALTS_BEFORE_READY = 3;

    private static final Logger log = LoggerFactory.getLogger(DrillSupervisor.class);

    private volatile Process child;
    private volatile boolean stopping;

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Environment env = event.getEnvironment();
        if (isChild()) {
            stopWithSupervisor();
            return;
        }
        if (!flag(env, PROPERTY)) {
            return;
        }
        if (!flag(env, "twophase.faults.enabled")) {
            throw new TwophaseStartupException(PROPERTY, PROPERTY + "=true restarts the application after a fault halts it, but"
                    + " fault injection is off (twophase.faults.enabled is not true), so nothing could halt it.",
                    "Set twophase.faults.enabled=true as well, or start with --spring.profiles.active=drill, which sets both.", null);
        }
        System.exit(supervise(childCommand(event.getArgs())));
    }

    /** Whether this process is the application started by a supervisor. */
    static boolean isChild() {
        return System.getenv(CHILD_ENV) != null;
    }

    /** How many times the supervisor restarted this process after a halt (0 when not supervised). */
    static int restarts() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault(RESTARTS_ENV, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * In the child, once the application serves: tells the supervisor, so that a later halt counts as a drill's and
     * not as a start that cannot get going. Does nothing when not supervised.
     */
    static void childReady() {
        String file = System.getenv(READY_FILE_ENV);
        if (file == null) {
            return;
        }
        try {
            java.nio.file.Files.writeString(Path.of(file), Long.toString(ProcessHandle.current().pid()));
        } catch (java.io.IOException e) {
            log.warn("Drill: cannot tell the supervisor that the application serves ({}): {}", file, e.getMessage());
        }
    }

    /** A boolean property, {@code false} when absent; anything but true or false fails startup naming it. */
    static boolean flag(Environment env, String property) {
        String value = env.getProperty(property);
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new TwophaseStartupException(property, property + " must be true or false, was '" + value + "'.",
                    "Set " + property + "=true or false.", null);
        };
    }

    /** The command that starts this application again: this JVM's executable, options, main jar or class, and arguments. */
    static List<String> childCommand(String[] args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp")) { // a debugger port would be taken twice
                command.add(option);
            }
        }
        String launchedWith = System.getProperty("sun.java.command", "");
        String classPath = System.getProperty("java.class.path", "");
        String launched = launchedWith.split(" ", 2)[0];
        if (classPath.endsWith(".jar") && launchedWith.startsWith(classPath)) {
            command.addAll(List.of("-jar", classPath)); // java -jar: the class path is the jar, spaces and all
        } else if (launched.endsWith(".jar")) {
            command.addAll(List.of("-jar", launched));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), launched.isEmpty()
                    ? "dev.twophase.demo.BankTransferDemoApplication" : launched));
        }
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Runs the child until it ends other than by a halt; returns the exit status for this process. */
    int supervise(List<String> command) {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopChild, "drill-supervisor-stop"));
        int haltsBeforeReady = 0;
        int restarts = 0;
        Path ready;
        try {
            ready = java.nio.file.Files.createTempFile("twophase-drill-ready", ".pid");
            ready.toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            log.error("Drill supervisor: cannot create its temporary file: {}", e.getMessage());
            return 1;
        }
        log.info("Drill supervisor (pid {}): starting the application as a child process, and again after each HALT (exit status {})",
                ProcessHandle.current().pid(), HALT_STATUS);
        while (true) {
            int status;
            try {
                ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
                builder.environment().put(CHILD_ENV, Long.toString(ProcessHandle.current().pid()));
                builder.environment().put(RESTARTS_ENV, Integer.toString(restarts));
                builder.environment().put(READY_FILE_ENV, ready.toString());
                java.nio.file.Files.deleteIfExists(ready);
                child = builder.start();
                status = child.waitFor();
            } catch (java.io.IOException e) {
                log.error("Drill supervisor: cannot start the application ({}): {}", command.get(0), e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            if (stopping) {
                return status;
            }
            if (status != HALT_STATUS) {
                log.info("Drill supervisor: the application ended with exit status {}; the supervisor ends too", status);
                return status;
            }
            haltsBeforeReady = java.nio.file.Files.exists(ready) ? 0 : haltsBeforeReady + 1;
            if (haltsBeforeReady >= MAX_HALTS_BEFORE_READY) {
                log.error("Drill supervisor: the application halted {} times in a row before it served; not starting it again."
                        + " Is a HALT rule armed at startup (twophase.faults.arm)? It halts every start.", haltsBeforeReady);
                return status;
            }
            restarts++;
            log.warn("Drill supervisor: the application halted (exit status {}, a HALT fault); starting it again (restart {})",
                    status, restarts);
        }
    }

    private void stopChild() {
        stopping = true;
        Process running = child;
        if (running == null || !running.isAlive()) {
            return;
        }
        running.destroy(); // SIGTERM: a graceful shutdown
        try {
            if (!running.waitFor(40, TimeUnit.SECONDS)) {
                running.destroyForcibly();
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** In the child: a graceful exit when the supervisor is gone (killed), so no orphan keeps the port. */
    private static void stopWithSupervisor() {
        long pid;
        try {
            pid = Long.parseLong(System.getenv(CHILD_ENV));
        } catch (NumberFormatException e) {
            return;
        }
        ProcessHandle.of(pid).ifPresentOrElse(
                supervisor -> supervisor.onExit().thenRun(() -> {
                    log.warn("Drill supervisor (pid {}) is gone; stopping", pid);
                    System.exit(143);
                }),
                () -> {
                    log.warn("Drill supervisor (pid {}) is gone; stopping", pid);
                    System.exit(143);
                });
    }
}
