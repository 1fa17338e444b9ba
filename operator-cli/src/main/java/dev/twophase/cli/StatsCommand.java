package dev.twophase.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code stats}: the coordinator's counters and state, and every participant's latest scan. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Shows the coordinator's attributes (point-in-time values) as key: value lines, then a table of "
                + "the participants as their latest scan found them.")
final class StatsCommand implements Callable<Integer> {

    @ParentCommand
    private TwophaseCli cli;

    /** What {@code --json} prints. */
    record Stats(CoordinatorStatus coordinator, List<ParticipantStatus> participants) {
    }

    @Override
    public Integer call() {
        Stats stats;
        try (ConsoleClient console = cli.connect()) {
            stats = new Stats(console.coordinatorStatus(), console.participants());
        }
        Printer printer = cli.printer();
        if (cli.json()) {
            printer.json(stats);
            return ExitCodes.OK;
        }
        printer.fields(Printer.fieldsOf(stats.coordinator()));
        printer.out().println();
        if (stats.participants().isEmpty()) {
            printer.out().println("No participants registered.");
        } else {
            Table table = new Table("NAME", "REACHABLE", "PREPARED", "OTHERS", "LAST-SCAN", "LAST-ERROR");
            for (ParticipantStatus participant : stats.participants()) {
                table.row(participant.name(), participant.reachable(), participant.preparedBranches(),
                        participant.preparedBranchesOfOthers(), participant.lastScanAt(), Table.truncate(participant.lastError()));
            }
            table.print(printer.out());
        }
        return ExitCodes.OK;
    }
}
