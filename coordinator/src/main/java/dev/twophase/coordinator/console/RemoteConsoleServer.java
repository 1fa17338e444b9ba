package dev.twophase.coordinator.console;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.SmartLifecycle;

/**
 * Remote JMX access to the platform MBean server for the console: an RMI registry and connector
 * on one port ({@code twophase.console.remote.port}, 9875), listening on
 * {@code twophase.console.remote.host} (loopback by default), with password authentication and
 * the roles of {@link ConsoleRole}. Off unless {@code twophase.console.remote.enabled=true}.
 *
 * <p>The connection is not encrypted: keep it on loopback, or reach it through an SSH tunnel.
 * RMI stubs carry the host name from {@code java.rmi.server.hostname}; when that is unset, it is
 * set to the configured host, so that clients connect to the address that listens.
 */
public final class RemoteConsoleServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RemoteConsoleServer.class);
    static final int MIN_PASSWORD_LENGTH = 8;

    private final ConsoleProperties.Remote settings;
    private Registry registry;
    private JMXConnectorServer server;

    /**
     * @throws InvalidConfigurationPropertyValueException naming the property when users, roles or passwords are missing or weak
     */
    public RemoteConsoleServer(ConsoleProperties.Remote settings) {
        validate(settings);
        this.settings = settings;
    }

    static void validate(ConsoleProperties.Remote remote) {
        if (remote.port() < 1 || remote.port() > 65535) {
            throw new InvalidConfigurationPropertyValueException("twophase.console.remote.port", remote.port(),
                    "it must be a TCP port between 1 and 65535, e.g. 9875");
        }
        if (remote.users().isEmpty()) {
            throw new InvalidConfigurationPropertyValueException("twophase.console.remote.users", "(none)",
                    "remote JMX is enabled but no user is configured, and it never runs without authentication."
                            + " Add e.g. twophase.console.remote.users.ops.password (from an environment variable) and"
                            + " twophase.console.remote.users.ops.role=operator");
        }
        for (Map.Entry<String, ConsoleProperties.User> e : remote.users().entrySet()) {
            String prefix = "twophase.console.remote.users." + e.getKey();
            ConsoleProperties.User user = e.getValue();
            if (user == null || user.password() == null || user.password().length() < MIN_PASSWORD_LENGTH) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".password", "(hidden)",
                        "the password is missing or shorter than " + MIN_PASSWORD_LENGTH + " characters; set a longer one,"
                                + " through an environment variable rather than a file in the repository");
            }
            if (ConsoleRole.parse(user.role()) == null) {
                throw new InvalidConfigurationPropertyValueException(prefix + ".role", user.role(),
                        "the role must be monitor (read-only) or operator (may commit, roll back and forget)");
            }
        }
    }

    /** The URL clients connect to, e.g. {@code service:jmx:rmi:///jndi/rmi://127.0.0.1:9875/jmxrmi}. */
    public String url() {
        return "service:jmx:rmi:///jndi/rmi://" + hostForUrl() + ":" + settings.port() + "/jmxrmi";
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.host());
        } catch (UnknownHostException e) {
            throw new InvalidConfigurationPropertyValueException("twophase.console.remote.host", settings.host(),
                    "the host name cannot be resolved; use an address of this machine, e.g. 127.0.0.1");
        }
        if (System.getProperty("java.rmi.server.hostname") == null && !address.isAnyLocalAddress()) {
            System.setProperty("java.rmi.server.hostname", address.getHostAddress());
        }
        if (!address.isLoopbackAddress()) {
            log.warn("Remote JMX console listens on {} beyond loopback, without TLS: passwords and data cross the network"
                    + " in clear; prefer 127.0.0.1 and an SSH tunnel", address.getHostAddress());
        }
        BoundServerSocketFactory sockets = new BoundServerSocketFactory(address);
        try {
            registry = LocateRegistry.createRegistry(settings.port(), null, sockets);
            Map<String, Object> env = new HashMap<>();
            env.put(JMXConnectorServer.AUTHENTICATOR, ConsoleAccess.authenticator(settings.users()));
            env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
            env.put("jmx.remote.rmi.server.credential.types", new String[] {String[].class.getName(), String.class.getName()});
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://" + hostForUrl() + ":" + settings.port() + "/jndi/rmi://"
                    + hostForUrl() + ":" + settings.port() + "/jmxrmi");
            JMXConnectorServer created = JMXConnectorServerFactory.newJMXConnectorServer(url, env,
                    ManagementFactory.getPlatformMBeanServer());
            created.setMBeanServerForwarder(ConsoleAccess.roleChecks());
            created.start();
            server = created;
        } catch (IOException | RuntimeException e) {
            unexportRegistry();
            throw new IllegalStateException("Cannot start the remote JMX console on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage() + ". Is the port in use? Set twophase.console.remote.port to a free one", e);
        }
        Map<String, String> roles = new TreeMap<>();
        settings.users().forEach((name, user) -> roles.put(name, ConsoleRole.parse(user.role()).label()));
        log.info("Remote JMX console listening on {} (users and roles: {})", url(), roles);
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                log.warn("Stopping the remote JMX console failed: {}", e.toString());
            }
            server = null;
        }
        unexportRegistry();
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null && server.isActive();
    }

    private void unexportRegistry() {
        if (registry != null) {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException ignored) {
                // already gone
            }
            registry = null;
        }
    }

    private String hostForUrl() {
        String host = settings.host();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Server sockets bound to one address; equal for equal addresses, so registry and connector share the port. */
    private record BoundServerSocketFactory(InetAddress address) implements RMIServerSocketFactory, Serializable {

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(address, port), 50);
            return socket;
        }
    }
}
