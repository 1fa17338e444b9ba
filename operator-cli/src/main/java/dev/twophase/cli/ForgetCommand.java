package dev.twophase.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code forget}: forgets a heuristically completed branch, or a log record whose branches are all gone. */
@Command(name = "forget", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Forgets a heuristically completed branch on its participant (XAResource.forget), or, by gtrid, "
                + "a recovery log record none of whose branches is prepared any more.")
final class ForgetCommand implements Callable<Integer> {

    @ParentCommand
    private TwophaseCli cli;

    @Parameters(paramLabel = "XID|GTRID", description = "gtrid:bqual of a branch, or the gtrid of a log record.")
    private String target;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit log.")
    private String reason;

    @Override
    public Integer call() {
        try (ConsoleClient console = cli.connect()) {
            return ActionReport.print(console.forget(target, reason), cli);
        }
    }
}
