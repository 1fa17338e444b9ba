package dev.twophase.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.rmi.UnmarshalException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.JMRuntimeException;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeErrorException;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;

/**
 * A connection to the twophase console of one application, through the generic JMX client API only:
 * the operations and attributes of {@code dev.twophase:type=Coordinator} and
 * {@code dev.twophase:type=Participant,name=*}, read from their open types.
 *
 * <p>Every JMX and RMI failure is turned here, once, into a {@link CliException} whose message says
 * what failed and what to do, and whose exit code says what kind of failure it was.
 */
final class ConsoleClient implements AutoCloseable {

    static final String COORDINATOR = "dev.twophase:type=Coordinator";
    static final String PARTICIPANTS = "dev.twophase:type=Participant,name=*";

    private static final String[] XID_FORCE_REASON = {String.class.getName(), boolean.class.getName(), String.class.getName()};
    private static final String[] TARGET_REASON = {String.class.getName(), String.class.getName()};

    private final JMXConnector connector;
    private final MBeanServerConnection connection;
    private final JmxTarget target;
    private final String user;
    private final ObjectName coordinator;
    private final PrintWriter warnings;

    private ConsoleClient(JMXConnector connector, MBeanServerConnection connection, JmxTarget target, String user,
            PrintWriter warnings) {
        this.connector = connector;
        this.connection = connection;
        this.target = target;
        this.user = user;
        this.warnings = warnings;
        this.coordinator = objectName(COORDINATOR);
    }

    /**
     * Connects to {@code target}, authenticating as {@code user} when it is not {@code null}.
     * {@code warnings} gets what goes wrong after the work is done (closing).
     *
     * @throws CliException with {@link ExitCodes#CANNOT_CONNECT} when nothing answers or authentication fails
     */
    static ConsoleClient connect(JmxTarget target, String user, String password, PrintWriter warnings) {
        Map<String, Object> environment = new HashMap<>();
        if (user != null) {
            environment.put(JMXConnector.CREDENTIALS, new String[] {user, password});
        }
        JMXConnector connector = null;
        try {
            connector = JMXConnectorFactory.connect(target.serviceUrl(), environment);
            return new ConsoleClient(connector, connector.getMBeanServerConnection(), target, user, warnings);
        } catch (SecurityException e) {
            closeQuietly(connector, e);
            throw new CliException(ExitCodes.CANNOT_CONNECT, authenticationFailed(target, user, password), e);
        } catch (IOException e) {
            closeQuietly(connector, e);
            throw new CliException(ExitCodes.CANNOT_CONNECT, "cannot connect to " + target + ": " + CliException.rootCause(e)
                    + ". Is the application running with twophase.console.remote.enabled=true, and is the port right?", e);
        }
    }

    private static String authenticationFailed(JmxTarget target, String user, String password) {
        String credentials = "(or TWOPHASE_JMX_USER / TWOPHASE_JMX_PASSWORD)";
        if (user == null) {
            return "authentication failed at " + target + ": the console requires a user; give --user and --password "
                    + credentials;
        }
        return "authentication failed for user '" + user + "' at " + target + ": check --user and --password " + credentials
                + (password == null ? "; no password was given" : "");
    }

    /** Scans every participant now (on the server) and lists the prepared branches of the coordinator. */
    List<InDoubtBranch> listInDoubtBranches() {
        return composites(invoke("list the in-doubt branches", "listInDoubtBranches", new Object[0], new String[0]))
                .stream().map(InDoubtBranch::from).toList();
    }

    /** The recovery log records that are not terminated. */
    List<PendingLogRecord> listLogRecords() {
        return composites(invoke("list the recovery log records", "listLogRecords", new Object[0], new String[0]))
                .stream().map(PendingLogRecord::from).toList();
    }

    /** The in-doubt branches whose XID text or gtrid is {@code xidOrGtrid}; empty when none. */
    List<InDoubtBranch> showBranch(String xidOrGtrid) {
        return composites(invoke("show " + xidOrGtrid, "showBranch", new Object[] {xidOrGtrid},
                new String[] {String.class.getName()})).stream().map(InDoubtBranch::from).toList();
    }

    /** {@code commit} or {@code rollback} of one branch. */
    ActionOutcome decide(String operation, String xid, boolean force, String reason) {
        String what = operation + " " + xid + (force ? " with --force" : "");
        return ActionOutcome.from((CompositeData) invoke(what, operation, new Object[] {xid, force, reason}, XID_FORCE_REASON));
    }

    ActionOutcome forget(String xidOrGtrid, String reason) {
        return ActionOutcome.from((CompositeData) invoke("forget " + xidOrGtrid, "forget", new Object[] {xidOrGtrid, reason},
                TARGET_REASON));
    }

    ActionOutcome recoverNow() {
        return ActionOutcome.from((CompositeData) invoke("start a recovery pass", "recoverNow", new Object[0], new String[0]));
    }

    CoordinatorStatus coordinatorStatus() {
        return CoordinatorStatus.from(call("read the coordinator's attributes",
                () -> connection.getAttributes(coordinator, CoordinatorStatus.ATTRIBUTES)));
    }

    /** Every registered participant, by name. */
    List<ParticipantStatus> participants() {
        List<ObjectName> names = new ArrayList<>(call("list the participants",
                () -> connection.queryNames(objectName(PARTICIPANTS), null)));
        List<ParticipantStatus> participants = new ArrayList<>();
        for (ObjectName name : names) {
            participants.add(ParticipantStatus.from(call("read participant " + name.getKeyProperty("name"),
                    () -> connection.getAttributes(name, ParticipantStatus.ATTRIBUTES))));
        }
        participants.sort(Comparator.comparing(ParticipantStatus::name, Comparator.nullsLast(Comparator.naturalOrder())));
        return participants;
    }

    private Object invoke(String what, String operation, Object[] arguments, String[] signature) {
        return call(what, () -> connection.invoke(coordinator, operation, arguments, signature));
    }

    private static List<CompositeData> composites(Object result) {
        return result == null ? List.of() : Arrays.asList((CompositeData[]) result);
    }

    /** A JMX client call; the API's checked exceptions are translated by {@link #call}. */
    private interface JmxCall<T> {
        T call() throws JMException, IOException;
    }

    private <T> T call(String what, JmxCall<T> call) {
        try {
            return call.call();
        } catch (SecurityException e) {
            throw permissionDenied(what, e);
        } catch (InstanceNotFoundException e) {
            throw new CliException(ExitCodes.CANNOT_CONNECT, "the application at " + target
                    + " has no twophase coordinator console (no MBean " + e.getMessage()
                    + "): is twophase.console.enabled=false there, or is this another application?", e);
        } catch (RuntimeMBeanException e) {
            if (e.getTargetException() instanceof SecurityException denied) {
                throw permissionDenied(what, denied);
            }
            throw serverFailed(what, e.getTargetException());
        } catch (MBeanException e) {
            throw serverFailed(what, e.getTargetException());
        } catch (RuntimeErrorException e) {
            throw serverFailed(what, e.getTargetError());
        } catch (ReflectionException e) {
            throw new CliException(ExitCodes.ACTION_FAILED, "the console at " + target + " could not " + what + ": "
                    + CliException.rootCause(e) + ". Is the application a different twophase version than this CLI?", e);
        } catch (JMException | JMRuntimeException e) {
            throw serverFailed(what, e);
        } catch (UnmarshalException e) {
            // A server-side exception whose class this small client does not have arrives as an unmarshalling failure.
            throw new CliException(ExitCodes.ACTION_FAILED, "the application at " + target + " failed to " + what
                    + " with an error this CLI cannot read (" + CliException.rootCause(e)
                    + "): see the application's log", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.CANNOT_CONNECT, "lost the connection to " + target + " while trying to " + what
                    + ": " + CliException.rootCause(e) + ". Is the application still running?", e);
        }
    }

    private CliException permissionDenied(String what, SecurityException e) {
        String who = user == null ? "(no user)" : user;
        return new CliException(ExitCodes.PERMISSION_DENIED, "user '" + who + "' may not " + what + ": "
                + CliException.clause(e.getMessage()) + ". The monitor role is read-only; use a user with the operator role.", e);
    }

    private CliException serverFailed(String what, Throwable failure) {
        Throwable cause = failure == null ? new IllegalStateException("no cause given") : failure;
        return new CliException(ExitCodes.ACTION_FAILED, "the application at " + target + " failed to " + what + ": "
                + CliException.rootCause(cause) + ". See the application's log.", cause);
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (JMException e) {
            throw new IllegalStateException("invalid built-in object name " + name, e);
        }
    }

    private static void closeQuietly(JMXConnector connector, Exception failure) {
        if (connector != null) {
            try {
                connector.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // The command's work is done and its exit code stands; the operator only needs to know.
            warnings.println("warning: closing the connection to " + target + " failed: " + CliException.rootCause(e));
        }
    }
}
