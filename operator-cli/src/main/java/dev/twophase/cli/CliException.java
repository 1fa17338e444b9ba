package dev.twophase.cli;

/**
 * A failure the command line reports as one message and an exit code, without a stack trace
 * (unless {@code --verbose}). The message says what happened and what to do.
 */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** {@code text} without its closing full stops, to be followed by {@code ". "} and the next sentence. */
    static String clause(String text) {
        String clause = text == null ? "" : text.strip();
        while (clause.endsWith(".")) {
            clause = clause.substring(0, clause.length() - 1);
        }
        return clause;
    }

    /** {@code SimpleName: message} of the innermost cause, the part of a JMX/RMI exception chain that says what went wrong. */
    static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getName()
                : root.getClass().getSimpleName() + ": " + clause(message);
    }
}
