package dev.twophase.coordinator.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** The remote console over a real RMI connector: authentication, and what each role may do. */
class RemoteConsoleServerTest {

    /** A bean in the console's domain with a read operation and an action. */
    public interface ProbeMXBean {
        int getCount();

        String listThings();

        String commit(String what);
    }

    public static final class Probe implements ProbeMXBean {
        volatile String committed;

        @Override
        public int getCount() {
            return 3;
        }

        @Override
        public String listThings() {
            return "a,b";
        }

        @Override
        public String commit(String what) {
            committed = what;
            return "done " + what;
        }
    }

    private static final ObjectName PROBE = name("dev.twophase:type=Probe");

    private final Probe probe = new Probe();
    private RemoteConsoleServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        ManagementFactory.getPlatformMBeanServer().registerMBean(probe, PROBE);
        port = freePort();
        server = new RemoteConsoleServer(new ConsoleProperties.Remote(true, "127.0.0.1", port, Map.of(
                "ops", new ConsoleProperties.User("ops-secret-1", "operator"),
                "watch", new ConsoleProperties.User("watch-secret-1", "Monitor"))));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(PROBE);
    }

    @Test
    void refusesAWrongPasswordAnUnknownUserAndMissingCredentials() {
        assertThatExceptionOfType(SecurityException.class).isThrownBy(() -> connect("ops", "wrong-password"))
                .withMessageContaining("Authentication failed");
        assertThatExceptionOfType(SecurityException.class).isThrownBy(() -> connect("mallory", "ops-secret-1"));
        assertThatExceptionOfType(SecurityException.class).isThrownBy(
                () -> JMXConnectorFactory.connect(new JMXServiceURL(server.url()), Map.of()));
    }

    @Test
    void theMonitorRoleReadsAndListsButCannotAct() throws Exception {
        try (JMXConnector c = connect("watch", "watch-secret-1")) {
            MBeanServerConnection mbeans = c.getMBeanServerConnection();
            assertThat(mbeans.getAttribute(PROBE, "Count")).isEqualTo(3);
            assertThat(mbeans.invoke(PROBE, "listThings", null, null)).isEqualTo("a,b");
            assertThatThrownBy(() -> mbeans.invoke(PROBE, "commit", new Object[] {"x"}, new String[] {String.class.getName()}))
                    .isInstanceOf(SecurityException.class).hasMessageContaining("user 'watch' has the monitor role")
                    .hasMessageContaining("operator role");
            assertThatThrownBy(() -> mbeans.invoke(new ObjectName("java.lang:type=Memory"), "gc", null, null))
                    .isInstanceOf(SecurityException.class);
            ObjectName runtime = new ObjectName("java.lang:type=Runtime");
            assertThat(mbeans.isRegistered(runtime)).as("names may be listed").isTrue();
            assertThatThrownBy(() -> mbeans.getAttribute(runtime, "SystemProperties")).as("the command line and its passwords")
                    .isInstanceOf(SecurityException.class).hasMessageContaining("monitor reads only the dev.twophase MBeans");
            assertThatThrownBy(() -> mbeans.getMBeanInfo(runtime)).isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> mbeans.unregisterMBean(PROBE)).isInstanceOf(SecurityException.class);
        }
        assertThat(probe.committed).isNull();
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(PROBE)).isTrue();
    }

    @Test
    void theOperatorRoleMayAct() throws Exception {
        try (JMXConnector c = connect("ops", "ops-secret-1")) {
            assertThat(c.getMBeanServerConnection().invoke(PROBE, "commit", new Object[] {"x"},
                    new String[] {String.class.getName()})).isEqualTo("done x");
        }
        assertThat(probe.committed).isEqualTo("x");
    }

    @Test
    void listensOnlyOnTheConfiguredAddressAndPort() {
        assertThat(server.url()).isEqualTo("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        assertThatThrownBy(() -> {
            try (ServerSocket taken = new ServerSocket(port, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
                // the console holds it
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void refusesToStartWithoutUsersOrWithAWeakPasswordOrAnUnknownRoleNamingTheProperty() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> new RemoteConsoleServer(new ConsoleProperties.Remote(true, "127.0.0.1", 9875, Map.of())))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.console.remote.users"));
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> new RemoteConsoleServer(new ConsoleProperties.Remote(true, "127.0.0.1", 9875,
                        Map.of("ops", new ConsoleProperties.User("short", "operator")))))
                .satisfies(e -> {
                    assertThat(e.getName()).isEqualTo("twophase.console.remote.users.ops.password");
                    assertThat(e.getValue()).as("never echo a password").isEqualTo("(hidden)");
                });
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> new RemoteConsoleServer(new ConsoleProperties.Remote(true, "127.0.0.1", 9875,
                        Map.of("ops", new ConsoleProperties.User("long-enough-1", "admin")))))
                .satisfies(e -> assertThat(e.getName()).isEqualTo("twophase.console.remote.users.ops.role"));
    }

    @Test
    void saysWhichPortToChangeWhenItIsTaken() throws Exception {
        RemoteConsoleServer second = new RemoteConsoleServer(new ConsoleProperties.Remote(true, "127.0.0.1", port,
                Map.of("ops", new ConsoleProperties.User("ops-secret-1", "operator"))));
        assertThatThrownBy(second::start).hasMessageContaining("twophase.console.remote.port");
    }

    private JMXConnector connect(String user, String password) throws IOException {
        return JMXConnectorFactory.connect(new JMXServiceURL(server.url()),
                Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
