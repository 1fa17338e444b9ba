package dev.twophase.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code list}: the in-doubt branches, or with {@code --log} the recovery log records. */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists the in-doubt (prepared) branches of the coordinator, from a fresh scan of every participant, "
                + "with the log's decision and the recommended action.",
                "With --log: the recovery log records that are not terminated."})
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    private TwophaseCli cli;

    @Option(names = "--log", description = "List the recovery log records instead (GTRID, STATE, EXPIRES, PURGE-AT, PREPARED).")
    private boolean log;

    @Override
    public Integer call() {
        try (ConsoleClient console = cli.connect()) {
            if (log) {
                printRecords(console.listLogRecords());
            } else {
                printBranches(console.listInDoubtBranches());
            }
        }
        return ExitCodes.OK;
    }

    private void printBranches(List<InDoubtBranch> branches) {
        Printer printer = cli.printer();
        if (cli.json()) {
            printer.json(branches);
        } else if (branches.isEmpty()) {
            printer.out().println("No in-doubt branches.");
        } else {
            Instant now = cli.now();
            Table table = new Table("PARTICIPANT", "XID", "DECISION", "RECOMMENDATION", "RUN", "AGE", "IN-FLIGHT", "REASON");
            for (InDoubtBranch branch : branches) {
                table.row(branch.participant(), branch.xid(), branch.decision(), branch.recommendation(), branch.run(),
                        Ages.since(branch.createdAt(), now), branch.inFlight(), Table.truncate(branch.reason()));
            }
            table.print(printer.out());
        }
    }

    private void printRecords(List<PendingLogRecord> records) {
        Printer printer = cli.printer();
        if (cli.json()) {
            printer.json(records);
        } else if (records.isEmpty()) {
            printer.out().println("No pending log records.");
        } else {
            Table table = new Table("GTRID", "STATE", "EXPIRES", "PURGE-AT", "PREPARED");
            for (PendingLogRecord record : records) {
                table.row(record.gtrid(), record.state(), record.expiresAt(), record.purgeAt(), record.preparedBranches());
            }
            table.print(printer.out());
        }
    }
}
