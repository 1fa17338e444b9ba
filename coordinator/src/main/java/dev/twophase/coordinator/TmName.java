package dev.twophase.coordinator;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The unique name of one transaction manager (coordinator) instance, checked against the
 * rule that keeps names prefix-free.
 *
 * <p>Atomikos recovery claims every Xid whose branch qualifier <em>starts with</em> its
 * {@code tm_unique_name}. With plain names, {@code app1} would claim and roll back the
 * in-doubt branches of {@code app10}. twophase therefore accepts only names made of
 * {@code [a-z0-9-]} and hands Atomikos the name followed by a terminator ({@value #TERMINATOR})
 * that a name can never contain. For two different names {@code a} and {@code b},
 * {@code b + "."} can then never start with {@code a + "."}: the names are prefix-free by
 * construction, whatever other instances are called.
 *
 * <p>Use one name per coordinator process and keep it stable across restarts: the name is how
 * a restarted coordinator finds its own in-doubt branches.
 */
public final class TmName {

    /** Appended to the configured name; never allowed inside it. */
    public static final String TERMINATOR = ".";

    /**
     * Longest accepted name. Atomikos builds branch qualifiers from the name plus a counter and
     * XA allows at most 64 bytes per qualifier, so a long name would leave no room.
     */
    public static final int MAX_LENGTH = 30;

    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?");

    private final String name;

    private TmName(String name) {
        this.name = name;
    }

    /**
     * Checks a configured name.
     *
     * @param name the configured name, may be {@code null}
     * @return the validated name
     * @throws IllegalArgumentException with the reason, when the name breaks the rule
     */
    public static TmName of(String name) {
        String reason = violation(name);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        return new TmName(name);
    }

    /**
     * Says why a name is not acceptable.
     *
     * @return the reason, or {@code null} when the name is acceptable
     */
    public static String violation(String name) {
        if (name == null || name.isBlank()) {
            return "a transaction manager name is required; Atomikos would otherwise use the host's IP address,"
                    + " which changes with the network and collides between processes on one host";
        }
        if (name.length() > MAX_LENGTH) {
            return "a transaction manager name is at most " + MAX_LENGTH + " characters (this one has "
                    + name.length() + "): Atomikos puts it into every XA branch qualifier, which holds 64 bytes";
        }
        if (!ALLOWED.matcher(name).matches()) {
            return "a transaction manager name may contain only lower-case letters, digits and inner hyphens"
                    + " (pattern " + ALLOWED.pattern() + "), so that names stay prefix-free: Atomikos recovery"
                    + " claims every branch whose qualifier starts with the name";
        }
        return null;
    }

    /** The name as configured, e.g. {@code demo-1}. */
    public String value() {
        return name;
    }

    /** The name handed to Atomikos as {@code com.atomikos.icatch.tm_unique_name}, e.g. {@code demo-1.}. */
    public String atomikosName() {
        return name + TERMINATOR;
    }

    /**
     * Whether an XA branch qualifier was created by this transaction manager, by the same rule
     * Atomikos recovery uses.
     */
    public boolean owns(byte[] branchQualifier) {
        String qualifier = new String(branchQualifier, java.nio.charset.StandardCharsets.US_ASCII);
        return qualifier.startsWith(atomikosName());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TmName tm && tm.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
