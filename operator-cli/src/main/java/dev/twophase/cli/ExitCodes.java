package dev.twophase.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of {@code twophase-cli}, one meaning each, as {@code --help} lists them. */
final class ExitCodes {

    /** A read command, or an action that is DONE or STARTED. */
    static final int OK = 0;
    /** The action was REFUSED, FAILED or BUSY, or the application failed the request. */
    static final int ACTION_FAILED = 1;
    /** Picocli's code for invalid input. */
    static final int USAGE = 2;
    /** Nothing listening, authentication failed, or no twophase console at the URL. */
    static final int CANNOT_CONNECT = 3;
    /** NOT_FOUND or ALREADY_RESOLVED, or {@code show} matched no branch. */
    static final int NOTHING_TO_DO = 4;
    /** The user's role may not do this. */
    static final int PERMISSION_DENIED = 5;

    private ExitCodes() {
    }

    /** The list {@code --help} shows under "Exit codes:". */
    static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(String.valueOf(OK), "success: a read command, or an action that is DONE or STARTED");
        codes.put(String.valueOf(ACTION_FAILED), "the action was REFUSED, FAILED or BUSY, or the application failed the request");
        codes.put(String.valueOf(USAGE), "usage error: unknown command or option, missing argument, --force without --reason");
        codes.put(String.valueOf(CANNOT_CONNECT), "cannot connect: nothing listening, authentication failed, or no twophase console at the URL");
        codes.put(String.valueOf(NOTHING_TO_DO), "NOT_FOUND or ALREADY_RESOLVED, or show matched no branch");
        codes.put(String.valueOf(PERMISSION_DENIED), "permission denied: the user's role may not do this (monitor is read-only)");
        return codes;
    }
}
