package dev.twophase.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code commit} and {@code rollback} of one branch: the same arguments, one operation each. */
abstract class DecisionCommand implements Callable<Integer> {

    @ParentCommand
    private TwophaseCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "XID", description = "The branch: gtrid:bqual as `list` shows it.")
    private String xid;

    @Option(names = "--force", description = "Act even against the recovery log's decision (or without one): "
            + "a heuristic decision, audited. Needs --reason.")
    private boolean force;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    private String reason;

    /** The console operation: {@code commit} or {@code rollback}. */
    abstract String operation();

    @Override
    public Integer call() {
        if (force && (reason == null || reason.isBlank())) {
            throw new ParameterException(spec.commandLine(), "--force requires --reason TEXT: a forced " + operation()
                    + " is a heuristic decision, and the audit log records why it was taken");
        }
        try (ConsoleClient console = cli.connect()) {
            return ActionReport.print(console.decide(operation(), xid, force, reason), cli);
        }
    }
}
