package dev.twophase.cli;

import picocli.CommandLine.Command;

/** {@code commit}: commits one prepared branch. */
@Command(name = "commit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Commits one prepared branch.",
                "Without --force only where the recovery log holds the commit decision; with --force anywhere, "
                        + "recorded as a heuristic decision."})
final class CommitCommand extends DecisionCommand {

    @Override
    String operation() {
        return "commit";
    }
}
