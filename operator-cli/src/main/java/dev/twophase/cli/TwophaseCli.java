package dev.twophase.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The twophase operator command line: lists, shows and resolves the in-doubt XA branches of a running
 * twophase application through its remote JMX console ({@code dev.twophase:type=Coordinator}, enabled
 * with {@code twophase.console.remote.enabled=true}).
 *
 * <p>It uses the generic JMX client API only, so it needs nothing of the application on its class
 * path. {@link #run} is the entry point for tests and programs: it returns the exit code and never
 * exits the JVM. {@link #main} is the one for {@code java -jar twophase-cli.jar}. The exit codes are
 * listed by {@code --help}; expected failures print one message that says what to do, and a stack trace
 * only with {@code --verbose}.
 */
@Command(name = "twophase-cli", mixinStandardHelpOptions = true, versionProvider = TwophaseCli.Version.class,
        sortOptions = false, usageHelpAutoWidth = false,
        description = {"Lists, shows and resolves in-doubt XA branches of a running twophase application over remote JMX.",
                "Options may be given before or after the command."},
        subcommands = {ListCommand.class, ShowCommand.class, CommitCommand.class, RollbackCommand.class, ForgetCommand.class,
                RecoverCommand.class, StatsCommand.class, CommandLine.HelpCommand.class})
public final class TwophaseCli implements Callable<Integer> {

    static final String URL_VARIABLE = "TWOPHASE_JMX_URL";
    static final String USER_VARIABLE = "TWOPHASE_JMX_USER";
    static final String PASSWORD_VARIABLE = "TWOPHASE_JMX_PASSWORD";

    private final Map<String, String> environment;

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = {"host:port of the application's JMX connector, or a full JMX service URL:",
                    "service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi",
                    "Default: $" + URL_VARIABLE + ", else " + JmxTarget.DEFAULT + "."})
    private String url;

    @Option(names = "--user", paramLabel = "USER", scope = ScopeType.INHERIT,
            description = "User of the console (role monitor: read; operator: also act). Default: $" + USER_VARIABLE + ".")
    private String user;

    @Option(names = "--password", paramLabel = "PASSWORD", scope = ScopeType.INHERIT,
            description = {"Default: $" + PASSWORD_VARIABLE + "; asked for on the terminal when --user is given without one.",
                    "Visible to other users in the process list: prefer --password-file or the variable."})
    private String password;

    @Option(names = "--password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Reads the password from the first line of FILE.")
    private Path passwordFile;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Machine-readable output: pretty-printed JSON on standard output instead of tables.")
    private boolean json;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Prints the stack trace of a failure.")
    private boolean verbose;

    private TwophaseCli(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /**
     * Runs one command line, reading defaults from the process environment.
     *
     * @param out where results go (tables, {@code key: value} lines, JSON)
     * @param err where errors, hints and usage messages go
     * @return the exit code, as {@code --help} lists them
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(out, err, System.getenv(), args);
    }

    /** {@link #run(PrintStream, PrintStream, String...)} with the environment variables given. */
    static int run(PrintStream out, PrintStream err, Map<String, String> environment, String... args) {
        TwophaseCli cli = new TwophaseCli(environment);
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine commandLine = new CommandLine(cli)
                .setOut(outWriter)
                .setErr(errWriter)
                .setExecutionExceptionHandler(cli::handleExecutionException)
                .setParameterExceptionHandler(TwophaseCli::handleParameterException);
        listExitCodes(commandLine);
        try {
            return commandLine.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    private static void listExitCodes(CommandLine commandLine) {
        if (!(commandLine.getCommand() instanceof CommandLine.HelpCommand)) {
            commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(ExitCodes.descriptions());
        }
        commandLine.getSubcommands().values().forEach(TwophaseCli::listExitCodes);
    }

    /** Without a command: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing command.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /**
     * Connects to the console with the options given, the environment's defaults and, where a user has no
     * password, one asked for on the terminal.
     */
    ConsoleClient connect() {
        CommandLine commandLine = spec.commandLine();
        String url = firstGiven(this.url, environment.get(URL_VARIABLE), JmxTarget.DEFAULT);
        JmxTarget target;
        try {
            target = JmxTarget.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
        if (password != null && passwordFile != null) {
            throw new ParameterException(commandLine, "give --password or --password-file, not both");
        }
        String user = firstGiven(this.user, environment.get(USER_VARIABLE), null);
        String password = passwordFile != null ? readPasswordFile(commandLine)
                : firstGiven(this.password, environment.get(PASSWORD_VARIABLE), null);
        Console console = System.console();
        if (user != null && password == null && console != null) {
            char[] typed = console.readPassword("Password for %s at %s: ", user, target);
            password = typed == null ? null : new String(typed);
        }
        return ConsoleClient.connect(target, user, password, err());
    }

    private String readPasswordFile(CommandLine commandLine) {
        try (BufferedReader reader = Files.newBufferedReader(passwordFile)) {
            String line = reader.readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new ParameterException(commandLine, "cannot read --password-file " + passwordFile + ": "
                    + CliException.rootCause(e), e);
        }
    }

    private static String firstGiven(String option, String variable, String fallback) {
        if (option != null) {
            return option;
        }
        return variable != null && !variable.isBlank() ? variable : fallback;
    }

    boolean json() {
        return json;
    }

    Printer printer() {
        return new Printer(spec.commandLine().getOut());
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Instant now() {
        return Instant.now();
    }

    private int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (failure instanceof CliException expected) {
            err.println(expected.getMessage());
            if (verbose && expected.getCause() != null) {
                expected.getCause().printStackTrace(err);
            }
            return expected.exitCode();
        }
        err.println("twophase-cli failed unexpectedly: " + failure + (verbose ? "" : " (--verbose prints the stack trace)"));
        if (verbose) {
            failure.printStackTrace(err);
        }
        return ExitCodes.ACTION_FAILED;
    }

    private static int handleParameterException(ParameterException failure, String[] args) {
        CommandLine commandLine = failure.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(failure.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(failure, err)) {
            err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            String version = TwophaseCli.class.getPackage().getImplementationVersion();
            return new String[] {"twophase-cli " + (version == null ? "(development build)" : version)};
        }
    }
}
