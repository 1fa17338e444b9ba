package dev.twophase.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code show}: every in-doubt branch matching an XID or gtrid, in full. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Shows every in-doubt branch whose XID or gtrid matches (a fresh scan), one block of key: value "
                + "lines each, with the full reason. Exit code 4 when none matches.")
final class ShowCommand implements Callable<Integer> {

    @ParentCommand
    private TwophaseCli cli;

    @Parameters(paramLabel = "XID|GTRID", description = "gtrid:bqual as `list` shows it, or a gtrid for all of its branches.")
    private String target;

    @Override
    public Integer call() {
        List<InDoubtBranch> branches;
        try (ConsoleClient console = cli.connect()) {
            branches = console.showBranch(target);
        }
        Printer printer = cli.printer();
        if (cli.json()) {
            printer.json(branches);
        } else {
            for (int i = 0; i < branches.size(); i++) {
                if (i > 0) {
                    printer.out().println();
                }
                InDoubtBranch branch = branches.get(i);
                Map<String, Object> fields = Printer.fieldsOf(branch);
                String age = Ages.since(branch.createdAt(), cli.now());
                if (age != null) {
                    fields.put("createdAt", branch.createdAt() + " (" + age + " ago)");
                }
                printer.fields(fields);
            }
        }
        if (branches.isEmpty()) {
            cli.err().println("no in-doubt branch matches '" + target + "' on any participant: `twophase-cli list` shows "
                    + "the in-doubt branches by XID (gtrid:bqual); a gtrid matches all of its branches");
            return ExitCodes.NOTHING_TO_DO;
        }
        return ExitCodes.OK;
    }
}
