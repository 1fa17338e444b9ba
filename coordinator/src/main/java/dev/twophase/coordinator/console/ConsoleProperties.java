package dev.twophase.coordinator.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the recovery console, under {@code twophase.console}.
 *
 * @param enabled whether the console's MXBeans are registered in the platform MBean server
 * @param auditFile where operator actions are recorded; default twophase-audit.jsonl in twophase.coordinator.log-dir
 * @param lockWait how long a console action waits for a running recovery pass before answering BUSY
 * @param purgeWarningMargin the recoveryLog health warns when a commit decision is this close
 *        to being purged as orphaned (twophase.coordinator.forget-orphaned-log-entries-delay)
 * @param remote remote JMX access, off by default
 */
@ConfigurationProperties("twophase.console")
public record ConsoleProperties(
        @DefaultValue("true") boolean enabled,
        Path auditFile,
        @DefaultValue("10s") Duration lockWait,
        @DefaultValue("6h") Duration purgeWarningMargin,
        @DefaultValue Remote remote) {

    /**
     * Remote JMX over RMI with password authentication and two roles.
     *
     * @param enabled off by default
     * @param host the address to listen on (and to put in the RMI stubs); loopback by default
     * @param port the port of both the RMI registry and the connector
     * @param users by user name; at least one is required when enabled
     */
    public record Remote(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("127.0.0.1") String host,
            @DefaultValue("9875") int port,
            Map<String, User> users) {

        public Remote {
            users = users == null ? Map.of() : Map.copyOf(users);
        }
    }

    /**
     * @param password at least 8 characters; pass it through an environment variable, e.g.
     *        {@code TWOPHASE_CONSOLE_REMOTE_USERS_OPS_PASSWORD}
     * @param role {@code monitor} (read-only) or {@code operator} (may resolve branches)
     */
    public record User(String password, String role) {
    }
}
