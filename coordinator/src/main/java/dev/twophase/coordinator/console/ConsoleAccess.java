package dev.twophase.coordinator.console;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.AccessController;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and role checks of the remote console: a {@link JMXAuthenticator} over the
 * configured users, and an {@link MBeanServerForwarder} that lets the {@code monitor} role only
 * list MBean names and read the console's own {@code dev.twophase} MBeans. Refusals are logged (user, operation) and answered with a {@link SecurityException}
 * that names the role needed.
 */
final class ConsoleAccess {

    private static final Logger log = LoggerFactory.getLogger("dev.twophase.audit");

    /** MBeanServer methods that only list names: allowed to {@code monitor} everywhere. */
    private static final Set<String> LISTINGS = Set.of("queryMBeans", "queryNames", "isRegistered", "getMBeanCount",
            "getDefaultDomain", "getDomains");

    /**
     * MBeanServer methods that read one MBean: allowed to {@code monitor} on the console's own
     * {@code dev.twophase} MBeans only. Elsewhere they would show the JVM's system properties and command
     * line ({@code java.lang:type=Runtime}), where a password given as an argument can be read.
     */
    private static final Set<String> CONSOLE_READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo", "isInstanceOf",
            "getObjectInstance", "addNotificationListener", "removeNotificationListener");

    private ConsoleAccess() {
    }

    /** Checks user name and password; the subject carries a {@link JMXPrincipal} and the user's role. */
    static JMXAuthenticator authenticator(Map<String, ConsoleProperties.User> users) {
        return credentials -> {
            if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
                throw new SecurityException("Authentication failed: credentials must be a user name and a password");
            }
            ConsoleProperties.User user = users.get(pair[0]);
            // Compared in constant time, and with a dummy when the user is unknown, so timing tells nothing.
            byte[] expected = (user == null ? "\u0000unknown-user" : user.password()).getBytes(StandardCharsets.UTF_8);
            boolean ok = MessageDigest.isEqual(expected, pair[1].getBytes(StandardCharsets.UTF_8)) && user != null;
            if (!ok) {
                log.warn("AUDIT remote console login refused for user '{}'", pair[0]);
                throw new SecurityException("Authentication failed");
            }
            ConsoleRole role = ConsoleRole.parse(user.role());
            Subject subject = new Subject();
            subject.getPrincipals().add(new JMXPrincipal(pair[0]));
            subject.getPrincipals().add(role.principal());
            subject.setReadOnly();
            return subject;
        };
    }

    /** Lets {@code operator} do anything and {@code monitor} only read (see {@link ConsoleRole}). */
    static MBeanServerForwarder roleChecks() {
        RoleChecks handler = new RoleChecks();
        return (MBeanServerForwarder) Proxy.newProxyInstance(ConsoleAccess.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, handler);
    }

    private static final class RoleChecks implements InvocationHandler {

        private MBeanServer target;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("getMBeanServer") && method.getParameterCount() == 0) {
                return target;
            }
            if (name.equals("setMBeanServer") && method.getParameterCount() == 1) {
                if (args[0] == null) {
                    throw new IllegalArgumentException("null MBeanServer");
                }
                target = (MBeanServer) args[0];
                return null;
            }
            if (method.getDeclaringClass() == Object.class) {
                return switch (name) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "ConsoleAccess.RoleChecks";
                };
            }
            check(name, args);
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @SuppressWarnings("removal")
        private static void check(String method, Object[] args) {
            Subject subject = Subject.getSubject(AccessController.getContext());
            if (subject == null) {
                return; // not a remote call
            }
            ConsoleRole role = subject.getPrincipals(ConsoleRole.RolePrincipal.class).stream().map(ConsoleRole.RolePrincipal::role)
                    .findFirst().orElse(null);
            if (role == ConsoleRole.OPERATOR) {
                return;
            }
            if (role == ConsoleRole.MONITOR && (LISTINGS.contains(method)
                    || CONSOLE_READS.contains(method) && inConsoleDomain(args)
                    || method.equals("invoke") && isConsoleRead(args))) {
                return;
            }
            String user = subject.getPrincipals(JMXPrincipal.class).stream().map(JMXPrincipal::getName).findFirst().orElse("?");
            String what = method.equals("invoke") && args != null && args.length > 1 ? "invoke " + args[1] + " on " + args[0]
                    : CONSOLE_READS.contains(method) && args != null && args.length > 0 ? method + " on " + args[0] : method;
            log.warn("AUDIT remote console refused {} to user '{}' (role {})", what, user, role == null ? "none" : role.label());
            throw new SecurityException("Access denied: user '" + user + "' has the " + (role == null ? "no" : role.label())
                    + " role, which may not " + what + "; that needs the operator role"
                    + (role == ConsoleRole.MONITOR ? " (monitor reads only the " + ConsoleNames.DOMAIN + " MBeans)" : ""));
        }

        private static boolean inConsoleDomain(Object[] args) {
            return args != null && args.length > 0 && args[0] instanceof ObjectName name && !name.isPattern()
                    && ConsoleNames.DOMAIN.equals(name.getDomain());
        }

        private static boolean isConsoleRead(Object[] args) {
            if (args == null || args.length < 2 || !(args[0] instanceof ObjectName name) || !(args[1] instanceof String op)) {
                return false;
            }
            return ConsoleNames.DOMAIN.equals(name.getDomain()) && (op.startsWith("list") || op.startsWith("show"));
        }
    }
}
