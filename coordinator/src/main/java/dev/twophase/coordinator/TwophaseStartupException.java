package dev.twophase.coordinator;

/**
 * A startup check found a setting or a participant that would make two-phase commit unsafe or
 * impossible. Spring Boot's failure analysis turns it into a "Description / Action" report, so
 * the message says what is wrong and {@link #action()} says what to change.
 *
 * <p>Thrown only while the application starts; never used for runtime transaction errors.
 */
public class TwophaseStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String subject;
    private final String description;
    private final String action;

    /**
     * @param subject what failed the check, e.g. {@code participant 'bank-a' (PostgreSQL at 127.0.0.1:5432)}
     * @param description what is wrong, with the values that were found
     * @param action what the user should do, with the exact setting or command
     * @param cause the underlying error, or {@code null}
     */
    public TwophaseStartupException(String subject, String description, String action, Throwable cause) {
        super(subject + ": " + description, cause);
        this.subject = subject;
        this.description = description;
        this.action = action;
    }

    /** What failed the check. */
    public String subject() {
        return subject;
    }

    /** What is wrong. */
    public String description() {
        return description;
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
