package dev.twophase.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

import dev.twophase.coordinator.console.ConsoleNames;

class JmxTargetTest {

    @Test
    void hostAndPortMeanTheRmiRegistryThere() {
        assertThat(JmxTarget.parse("db-host:9875").serviceUrl())
                .hasToString("service:jmx:rmi:///jndi/rmi://db-host:9875/jmxrmi");
        assertThat(JmxTarget.parse("[::1]:9875").serviceUrl()).hasToString("service:jmx:rmi:///jndi/rmi://[::1]:9875/jmxrmi");
    }

    @Test
    void aServiceUrlIsTakenAsItIs() {
        String url = "service:jmx:rmi://app:9876/jndi/rmi://app:9875/jmxrmi";

        assertThat(JmxTarget.parse(url).serviceUrl()).hasToString(url);
        assertThat(JmxTarget.parse(url)).hasToString(url);
    }

    @Test
    void anythingElseIsRejectedWithTheExpectedForms() {
        for (String bad : new String[] {"localhost", ":9875", "host:", "host:0", "host:70000", "host:port", "::1:9875"}) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> JmxTarget.parse(bad))
                    .withMessageContaining("'" + bad + "' is neither host:port");
        }
        assertThatIllegalArgumentException().isThrownBy(() -> JmxTarget.parse("service:jmx:"))
                .withMessageContaining("not a valid JMX service URL");
    }

    @Test
    void usesTheObjectNamesTheConsoleRegisters() {
        assertThat(ConsoleClient.COORDINATOR).isEqualTo(ConsoleNames.COORDINATOR);
        assertThat(ConsoleClient.PARTICIPANTS).isEqualTo(ConsoleNames.PARTICIPANT_PATTERN);
    }
}
