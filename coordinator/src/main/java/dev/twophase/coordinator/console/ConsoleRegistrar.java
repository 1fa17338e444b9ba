package dev.twophase.coordinator.console;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.twophase.coordinator.recovery.PromptRecovery;

/**
 * Registers the console's MXBeans in the platform MBean server once the application has started
 * (the participants' pools have registered with Atomikos by then), and removes them on stop.
 */
public final class ConsoleRegistrar implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRegistrar.class);

    private final RecoveryConsole console;
    private final PromptRecovery recovery;
    private final List<ObjectName> registered = new ArrayList<>();

    public ConsoleRegistrar(RecoveryConsole console, PromptRecovery recovery) {
        this.console = console;
        this.recovery = recovery;
    }

    @Override
    public synchronized void start() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<String> participants = new LinkedHashSet<>(recovery.participantNames());
        try {
            register(server, new ObjectName(ConsoleNames.COORDINATOR), console);
            for (String name : participants) {
                register(server, new ObjectName(ConsoleNames.participant(name)), new ParticipantConsole(name, recovery.participants()));
            }
        } catch (JMException e) {
            throw new IllegalStateException("Cannot register the twophase console MXBeans: " + e, e);
        }
        log.info("Recovery console registered as {} with participants {}", ConsoleNames.COORDINATOR, participants);
    }

    private void register(MBeanServer server, ObjectName name, Object bean) throws JMException {
        if (server.isRegistered(name)) {
            log.warn("Replacing the MBean {} left by an earlier application context in this JVM", name);
            server.unregisterMBean(name);
        }
        server.registerMBean(bean, name);
        registered.add(name);
    }

    @Override
    public synchronized void stop() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (InstanceNotFoundException gone) {
                // already removed
            } catch (JMException e) {
                log.warn("Cannot unregister {}: {}", name, e.toString());
            }
        }
        registered.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return !registered.isEmpty();
    }
}
