package dev.twophase.participants.artemis;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.jms.Session;
import jakarta.jms.XAConnection;

/**
 * Spares an Artemis XA connection the three broker round trips of Atomikos's "Oracle AQ
 * workaround".
 *
 * <p>Before every XA session it opens, Atomikos's JMS connection proxy calls
 * {@code createSession(true, AUTO_ACKNOWLEDGE)}, {@code rollback()} and {@code close()} on the
 * vendor connection, to push an Oracle AQ connection into global-transaction mode
 * ({@code AtomikosJmsConnectionProxy.forceConnectionIntoXaMode}). On Artemis each of the three is a
 * blocking round trip that changes nothing, and all three run while Atomikos holds the connection's
 * session lock, which its pool takes, under its own pool-wide lock, to find a free connection: under
 * load every borrower waited for them.
 *
 * <p>Here a transacted session asked of the connection is created only when it is first used for
 * something other than {@code rollback()} or {@code close()}; an unused transacted session has
 * nothing to roll back or close. Every other call goes to the Artemis connection unchanged.
 */
final class SkipXaModeProbe implements InvocationHandler {

    private final XAConnection connection;

    private SkipXaModeProbe(XAConnection connection) {
        this.connection = connection;
    }

    /** The connection behind a proxy with all its interfaces, whose transacted sessions are created on first real use. */
    static XAConnection wrap(XAConnection connection) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = connection.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (java.lang.reflect.Modifier.isPublic(i.getModifiers())) {
                    interfaces.add(i);
                }
            }
        }
        interfaces.add(XAConnection.class);
        return (XAConnection) Proxy.newProxyInstance(SkipXaModeProbe.class.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                new SkipXaModeProbe(connection));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("createSession") && args != null && args.length == 2 && Boolean.TRUE.equals(args[0])
                && method.getReturnType() == Session.class) {
            return LazySession.of(connection, (Integer) args[1]);
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "SkipXaModeProbe(" + connection + ")";
                default -> call(method, connection, args);
            };
        }
        return call(method, connection, args);
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A transacted session that exists only once it is used for more than rolling back or closing. */
    private static final class LazySession implements InvocationHandler {
        private final XAConnection connection;
        private final int acknowledgeMode;
        private Session session;
        private boolean closed;

        private LazySession(XAConnection connection, int acknowledgeMode) {
            this.connection = connection;
            this.acknowledgeMode = acknowledgeMode;
        }

        static Session of(XAConnection connection, int acknowledgeMode) {
            return (Session) Proxy.newProxyInstance(SkipXaModeProbe.class.getClassLoader(), new Class<?>[] {Session.class},
                    new LazySession(connection, acknowledgeMode));
        }

        @Override
        public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "LazySession(" + (session == null ? "not created" : session) + ")";
                };
            }
            if (session == null) {
                switch (method.getName()) {
                    case "rollback":
                        if (closed) {
                            throw new jakarta.jms.IllegalStateException("the session is closed");
                        }
                        return null;
                    case "close":
                        closed = true;
                        return null;
                    default:
                        if (closed) {
                            throw new jakarta.jms.IllegalStateException("the session is closed");
                        }
                        session = connection.createSession(true, acknowledgeMode);
                }
            }
            return call(method, session, args);
        }
    }

}
