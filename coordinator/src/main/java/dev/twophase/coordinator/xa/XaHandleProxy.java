package dev.twophase.coordinator.xa;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import javax.transaction.xa.XAResource;

/**
 * Behind every dynamic proxy that {@link XaResourceChain} makes of a participant's XA factory:
 * passes each call to the participant's own object, and wraps what comes back when it is an XA
 * handle (a connection, session or context, which lead to an {@link XAResource}) or an
 * {@link XAResource}, which it hands to the chain to decorate.
 *
 * <p>A proxy implements every public interface of the participant's object, so vendor interfaces
 * keep working; calls to an {@code XAResource} that the object is itself (PostgreSQL's and MySQL's
 * XA connections are their own XAResource) go through the same fault-injecting resource as
 * {@code getXAResource()}'s.
 */
final class XaHandleProxy implements InvocationHandler {

    /** Handles whose methods lead to an XAResource; a method returning one of these gets a proxy back. */
    private static final List<Class<?>> XA_HANDLES = List.of(
            javax.sql.XAConnectionBuilder.class,
            javax.sql.XAConnection.class,
            jakarta.jms.XAConnection.class,
            jakarta.jms.XASession.class,
            jakarta.jms.XAJMSContext.class);

    private static final ClassValue<Class<?>[]> INTERFACES = new ClassValue<>() {
        @Override
        protected Class<?>[] computeValue(Class<?> type) {
            return proxiableInterfaces(type);
        }
    };

    private final String participant;
    private final Object delegate;
    private final BiFunction<String, XAResource, XAResource> decorate;
    /** The last vendor resource handed out and its decorated form, so that one XAResource has one decorator. */
    private volatile Decorated last;

    private record Decorated(XAResource vendor, XAResource decorated) {
    }

    private XaHandleProxy(String participant, Object delegate, BiFunction<String, XAResource, XAResource> decorate) {
        this.participant = participant;
        this.delegate = delegate;
        this.decorate = decorate;
    }

    /** A proxy of {@code delegate} implementing {@code required} and every other public interface it has. */
    static <T> T proxy(Class<T> required, String participant, T delegate, BiFunction<String, XAResource, XAResource> decorate) {
        if (delegateOf(delegate) != null) {
            throw new IllegalArgumentException(required.getSimpleName() + " " + delegate
                    + " is already decorated by an XA chain; decorate the participant's own object once");
        }
        Class<?> type = delegate.getClass();
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : XaHandleProxy.class.getClassLoader();
        Class<?>[] interfaces = INTERFACES.get(type);
        if (!implementsAny(required, interfaces)) {
            interfaces = append(interfaces, required);
        }
        Object proxy = Proxy.newProxyInstance(loader, interfaces, new XaHandleProxy(participant, delegate, decorate));
        return required.cast(proxy);
    }

    /** The participant's own object behind a proxy made here, or {@code null} when {@code candidate} is not one. */
    static Object delegateOf(Object candidate) {
        if (candidate != null && Proxy.isProxyClass(candidate.getClass())
                && Proxy.getInvocationHandler(candidate) instanceof XaHandleProxy handler) {
            return handler.delegate;
        }
        return null;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        if (method.getDeclaringClass() == XAResource.class) {
            return call(resource((XAResource) delegate), method, args);
        }
        Object result = call(delegate, method, args);
        if (result == null) {
            return null;
        }
        Class<?> returned = method.getReturnType();
        if (returned == XAResource.class) {
            return resource((XAResource) result);
        }
        for (Class<?> handle : XA_HANDLES) {
            if (handle.isAssignableFrom(returned)) {
                return wrapHandle(returned, result);
            }
        }
        return result;
    }

    /**
     * The participant's XAResource as Atomikos gets it: decorated by the chain. One decorated
     * resource per vendor resource, since Atomikos compares resources by identity and {@code isSameRM}.
     */
    private XAResource resource(XAResource own) {
        Decorated current = last;
        if (current != null && current.vendor() == own) {
            return current.decorated();
        }
        XAResource decorated = decorate.apply(participant, own);
        last = new Decorated(own, decorated);
        return decorated;
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "equals":
                Object other = args[0];
                return proxy == other || delegate.equals(XaResourceChain.unwrap(other));
            case "hashCode":
                return delegate.hashCode();
            default:
                return "XaResourceChain[" + participant + "] " + delegate;
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private <T> T wrapHandle(Class<T> returned, Object result) {
        return proxy(returned, participant, returned.cast(result), decorate);
    }

    /**
     * Every public, non-sealed interface of the type and its superclasses that the type's class loader
     * can see. A non-public interface would force the proxy into that interface's package; a sealed
     * one cannot be implemented by a proxy at all.
     */
    private static Class<?>[] proxiableInterfaces(Class<?> type) {
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : XaHandleProxy.class.getClassLoader();
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> candidate : c.getInterfaces()) {
                if (Modifier.isPublic(candidate.getModifiers()) && !candidate.isSealed() && visible(candidate, loader)) {
                    interfaces.add(candidate);
                }
            }
        }
        return interfaces.toArray(Class<?>[]::new);
    }

    private static boolean implementsAny(Class<?> required, Class<?>[] interfaces) {
        for (Class<?> candidate : interfaces) {
            if (required.isAssignableFrom(candidate)) {
                return true;
            }
        }
        return false;
    }

    private static Class<?>[] append(Class<?>[] interfaces, Class<?> extra) {
        Class<?>[] all = java.util.Arrays.copyOf(interfaces, interfaces.length + 1);
        all[interfaces.length] = extra;
        return all;
    }

    private static boolean visible(Class<?> type, ClassLoader loader) {
        try {
            return Class.forName(type.getName(), false, loader) == type;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
