package dev.twophase.coordinator.atomikos;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.twophase.coordinator.TwophaseStartupException;

/**
 * The parts of Atomikos that are not its public API and that twophase depends on, each with a check
 * that it is still there with the shape twophase expects. {@link #verify()} runs when the
 * coordinator starts, before Atomikos does, so an Atomikos upgrade that moved one of them fails the
 * start with the version and the missing piece instead of misbehaving in the middle of a commit.
 *
 * <p>The list (keep it in step with this package's package-info):
 * <ol>
 * <li>{@code TransactionServiceImp.single_threaded_2pc_} (private field) — {@link ParallelPhases};</li>
 * <li>{@code XATransactionalResource.refreshXAResource()} (private method) — {@link RecoveryConnections};</li>
 * <li>{@code CoordinatorImp.getCoordinatorId()}, {@code getParticipants()} (implementation class) —
 *     {@link LiveCoordinators};</li>
 * <li>the default file log assembly {@code InMemoryRepository}, {@code FileSystemRepository},
 *     {@code CachedRepository}, {@code OltpLogImp}, {@code RecoveryLogImp} ({@code com.atomikos.recovery.fs},
 *     as {@code AssemblerImp.createRepository} builds it) — {@link FileLogAssembly}, for
 *     {@code twophase.coordinator.log-store=atomikos};</li>
 * <li>the log's files: {@code com.atomikos.util.VersionedFile} and {@code com.atomikos.persistence.imp.LogFileLock} —
 *     {@link AtomikosLogFiles}, for the group-commit log;</li>
 * <li>{@code com.atomikos.datasource.xa.jms.JmsTransactionalResource}, registered for a JMS pool that is not
 *     Atomikos's (pooled-jms) — {@link JmsRecovery};</li>
 * <li>the transaction id format {@code <tm_unique_name><millis><5-digit counter>} of
 *     {@code com.atomikos.util.UniqueIdMgr} — {@link TransactionIds};</li>
 * <li>the JDBC pool's base class {@code com.atomikos.jdbc.internal.AbstractDataSourceBean}, matched by name
 *     so the coordinator needs no JDBC module — {@link #POOL_BEAN_TYPES}.</li>
 * </ol>
 */
public final class AtomikosInternals {

    /** The Atomikos release these internals were read from. */
    public static final String EXPECTED_VERSION = "6.0.0";

    /** Atomikos pool bean types (JDBC, JMS) by class name: the coordinator does not depend on the modules that have them. */
    public static final List<String> POOL_BEAN_TYPES = List.of(
            "com.atomikos.jdbc.internal.AbstractDataSourceBean",
            "com.atomikos.jms.AtomikosConnectionFactoryBean");

    private AtomikosInternals() {
    }

    /**
     * Checks every internal listed above against the Atomikos on the class path.
     *
     * @throws TwophaseStartupException naming the Atomikos version found and each piece that is missing or changed
     */
    public static void verify() {
        List<String> problems = new ArrayList<>();
        check(problems, "com.atomikos.icatch.imp.TransactionServiceImp", type -> field(type, ParallelPhases.FIELD, boolean.class));
        check(problems, "com.atomikos.datasource.xa.XATransactionalResource",
                type -> method(type, RecoveryConnections.METHOD));
        check(problems, "com.atomikos.icatch.imp.CoordinatorImp", type -> {
            method(type, "getCoordinatorId");
            method(type, "getParticipants");
        });
        for (String name : JmsRecovery.CLASSES) {
            // Only where a JMS participant is on the class path.
            if (present("jakarta.jms.XAConnectionFactory")) {
                check(problems, name, type -> { });
            }
        }
        for (String name : AtomikosLogFiles.CLASSES) {
            check(problems, name, type -> { });
        }
        for (String name : FileLogAssembly.CLASSES) {
            check(problems, name, type -> { });
        }
        try {
            TransactionIds.verifyFormat();
        } catch (RuntimeException | LinkageError e) {
            problems.add("transaction ids of com.atomikos.util.UniqueIdMgr: " + e.getMessage());
        }
        for (String name : POOL_BEAN_TYPES) {
            // Optional modules: only a class that is present must have the expected name.
            if (present(name.replace(".internal.AbstractDataSourceBean", ".AtomikosDataSourceBean")) && !present(name)) {
                problems.add(name + " is missing");
            }
        }
        if (!problems.isEmpty()) {
            throw new TwophaseStartupException("coordinator (Atomikos " + version() + ")",
                    "this Atomikos lacks internals twophase relies on: " + String.join("; ", problems),
                    "Use Atomikos " + EXPECTED_VERSION + " (the version twophase's parent pom pins), or update "
                            + "dev.twophase.coordinator.atomikos for this version.",
                    null);
        }
    }

    /** The version of the Atomikos core on the class path, from its Maven metadata, or {@code unknown}. */
    public static String version() {
        try (InputStream in = AtomikosInternals.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/com.atomikos/transactions/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private interface Shape {
        void check(Class<?> type) throws ReflectiveOperationException;
    }

    private static void check(List<String> problems, String className, Shape shape) {
        try {
            shape.check(Class.forName(className, false, AtomikosInternals.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            problems.add(className + " is missing");
        } catch (ReflectiveOperationException | LinkageError e) {
            problems.add(className + ": " + e);
        }
    }

    private static void field(Class<?> type, String name, Class<?> fieldType) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        if (field.getType() != fieldType || Modifier.isStatic(field.getModifiers())) {
            throw new NoSuchFieldException(name + " is no longer an instance field of type " + fieldType.getName());
        }
    }

    private static void method(Class<?> type, String name) throws NoSuchMethodException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 0) {
                    return;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + "()");
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, AtomikosInternals.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
