package dev.twophase.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code recover}: starts a recovery pass in the application, in the background. */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = "Starts a recovery pass now, in the background, and prints what was started; "
                + "`twophase-cli list` afterwards shows what is left.")
final class RecoverCommand implements Callable<Integer> {

    @ParentCommand
    private TwophaseCli cli;

    @Override
    public Integer call() {
        try (ConsoleClient console = cli.connect()) {
            return ActionReport.print(console.recoverNow(), cli);
        }
    }
}
