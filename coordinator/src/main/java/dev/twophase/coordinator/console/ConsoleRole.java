package dev.twophase.coordinator.console;

import java.security.Principal;
import java.util.Locale;

/**
 * The role of a remote console user, carried in the JMX subject as a principal. {@code MONITOR}
 * may read attributes and call the console's {@code list*} and {@code show*} operations;
 * {@code OPERATOR} may do anything.
 */
public enum ConsoleRole {
    MONITOR, OPERATOR;

    /** Parses {@code monitor} or {@code operator}, in any case; {@code null} for anything else. */
    public static ConsoleRole parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The principal for a subject. */
    public Principal principal() {
        return new RolePrincipal(this);
    }

    /** A role as a principal. */
    public record RolePrincipal(ConsoleRole role) implements Principal, java.io.Serializable {

        @Override
        public String getName() {
            return "twophase-role:" + role.label();
        }
    }
}
