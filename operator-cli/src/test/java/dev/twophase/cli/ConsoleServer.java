package dev.twophase.cli;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.security.AccessController;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

import dev.twophase.coordinator.console.ConsoleNames;

/**
 * A real RMI JMX connector server in the test JVM, on its own registry and a fresh MBean server, with
 * the console's users: {@code operator}/{@code op-secret} may do everything, {@code monitor}/{@code mon-secret}
 * only read ({@code list*} and {@code show*} operations and attributes), as the application's console allows.
 */
final class ConsoleServer implements AutoCloseable {

    static final String DENIED = "Access denied! Invalid access level for requested MBeanServer operation.";
    private static final Map<String, String> PASSWORDS = Map.of("operator", "op-secret", "monitor", "mon-secret");

    static {
        // The stub handed to the client must name an address it can reach.
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
    }

    private final Registry registry;
    private final JMXConnectorServer connector;
    private final int port;

    private ConsoleServer(MBeanServer mbeanServer) throws IOException {
        port = freePort();
        registry = LocateRegistry.createRegistry(port);
        Map<String, Object> environment = new HashMap<>();
        environment.put(JMXConnectorServer.AUTHENTICATOR, (JMXAuthenticator) ConsoleServer::authenticate);
        connector = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"), environment, mbeanServer);
        connector.setMBeanServerForwarder(monitorIsReadOnly());
        connector.start();
    }

    /** A server with the coordinator and the participants registered. */
    static ConsoleServer start(FakeCoordinator coordinator, FakeParticipant... participants) throws IOException, JMException {
        MBeanServer mbeanServer = MBeanServerFactory.newMBeanServer();
        mbeanServer.registerMBean(coordinator, new ObjectName(ConsoleNames.COORDINATOR));
        for (FakeParticipant participant : participants) {
            mbeanServer.registerMBean(participant, new ObjectName(ConsoleNames.participant(participant.name())));
        }
        return new ConsoleServer(mbeanServer);
    }

    /** A server of an application without the twophase console. */
    static ConsoleServer startWithoutConsole() throws IOException {
        return new ConsoleServer(MBeanServerFactory.newMBeanServer());
    }

    /** {@code 127.0.0.1:port}, as {@code --url} takes it. */
    String url() {
        return "127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] pair) || pair.length != 2) {
            throw new SecurityException("Authentication failed! Credentials required");
        }
        if (pair[1] == null || !pair[1].equals(PASSWORDS.get(pair[0]))) {
            throw new SecurityException("Authentication failed! Invalid username or password");
        }
        return new Subject(true, Set.of(new JMXPrincipal(pair[0])), Set.of(), Set.of());
    }

    /** Denies the monitor user every operation but {@code list*} and {@code show*}. */
    private static MBeanServerForwarder monitorIsReadOnly() {
        MBeanServer[] target = new MBeanServer[1];
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "getMBeanServer":
                    return target[0];
                case "setMBeanServer":
                    target[0] = (MBeanServer) args[0];
                    return null;
                case "invoke":
                    String operation = (String) args[1];
                    if ("monitor".equals(currentUser()) && !operation.startsWith("list") && !operation.startsWith("show")) {
                        throw new SecurityException(DENIED);
                    }
                    break;
                default:
                    break;
            }
            try {
                return method.invoke(target[0], args);
            } catch (InvocationTargetException e) {
                throw e.getTargetException();
            }
        };
        return (MBeanServerForwarder) Proxy.newProxyInstance(ConsoleServer.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, handler);
    }

    @SuppressWarnings("removal") // Subject.current() is Java 18+; the connector runs each request as the subject.
    private static String currentUser() {
        Subject subject = Subject.getSubject(AccessController.getContext());
        return subject == null ? null
                : subject.getPrincipals(JMXPrincipal.class).stream().map(Principal::getName).findFirst().orElse(null);
    }

    @Override
    public void close() throws IOException {
        try {
            connector.stop();
        } finally {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException e) {
                throw new IOException("the registry on port " + port + " was not exported", e);
            }
        }
    }
}
