package dev.twophase.cli;

import picocli.CommandLine.Command;

/** {@code rollback}: rolls back one prepared branch. */
@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rolls back one prepared branch.",
                "Without --force only where the recovery log holds no commit decision; with --force anywhere, "
                        + "recorded as a heuristic decision."})
final class RollbackCommand extends DecisionCommand {

    @Override
    String operation() {
        return "rollback";
    }
}
