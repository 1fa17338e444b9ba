package dev.twophase.cli;

import java.io.PrintWriter;

/**
 * Prints the outcome of an action and turns it into the exit code: the result line on standard output
 * when it succeeded; on standard error, with a hint what to do, when it did not. With {@code --json}
 * the result always goes to standard output as JSON as well.
 */
final class ActionReport {

    private ActionReport() {
    }

    static int print(ActionOutcome result, TwophaseCli cli) {
        Printer printer = cli.printer();
        if (cli.json()) {
            printer.json(result);
        }
        String outcome = result.outcome() == null ? "" : result.outcome();
        int exitCode = switch (outcome) {
            case "DONE", "STARTED" -> ExitCodes.OK;
            case "NOT_FOUND", "ALREADY_RESOLVED" -> ExitCodes.NOTHING_TO_DO;
            default -> ExitCodes.ACTION_FAILED;
        };
        if (exitCode == ExitCodes.OK) {
            if (!cli.json()) {
                printer.out().println(result.line());
            }
            return exitCode;
        }
        PrintWriter err = cli.err();
        err.println(result.line());
        err.println("hint: " + hint(outcome, result));
        return exitCode;
    }

    private static String hint(String outcome, ActionOutcome result) {
        String target = result.target() == null || result.target().isEmpty() ? "XID" : result.target();
        boolean decision = "commit".equals(result.action()) || "rollback".equals(result.action());
        return switch (outcome) {
            case "REFUSED" -> decision
                    ? "see `twophase-cli show " + target + "` for the recommendation; --force --reason TEXT records a heuristic decision"
                    : "see `twophase-cli show " + target + "` for the branch's state and the recommendation";
            case "BUSY" -> "a recovery pass is holding the participants; try again in a few seconds";
            case "FAILED" -> "the participant failed (see the message and the application's log); "
                    + "`twophase-cli stats` shows whether it is reachable; try again once it is";
            case "NOT_FOUND" -> "no participant lists " + target + " as prepared; `twophase-cli list` shows the in-doubt "
                    + "branches by XID (gtrid:bqual)";
            case "ALREADY_RESOLVED" -> "nothing left to do: it was resolved meanwhile, by recovery or someone else";
            default -> "this CLI does not know the outcome '" + outcome + "' (is the application a newer twophase?): "
                    + "read the message, and check with `twophase-cli show " + target + "`";
        };
    }
}
