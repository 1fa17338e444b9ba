package dev.twophase.cli;

import java.net.MalformedURLException;

import javax.management.remote.JMXServiceURL;

/**
 * Where the console is: {@code given} as the user wrote it (for messages) and the JMX service URL it
 * stands for. {@code host:port} means the RMI registry there, as the application's
 * {@code twophase.console.remote.*} connector registers itself.
 */
record JmxTarget(String given, JMXServiceURL serviceUrl) {

    static final String DEFAULT = "127.0.0.1:9875";

    /**
     * Parses {@code host:port}, {@code [ipv6]:port} or a full {@code service:jmx:...} URL.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    static JmxTarget parse(String url) {
        String text = url.strip();
        if (text.startsWith("service:jmx:")) {
            try {
                return new JmxTarget(text, new JMXServiceURL(text));
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--url '" + url + "' is not a valid JMX service URL (" + e.getMessage()
                        + "): expected e.g. service:jmx:rmi:///jndi/rmi://127.0.0.1:9875/jmxrmi", e);
            }
        }
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        String port = colon > 0 ? text.substring(colon + 1) : "";
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (host.isEmpty() || (host.contains(":") && !bracketed) || !isPort(port)) {
            throw new IllegalArgumentException("--url '" + url + "' is neither host:port (e.g. " + DEFAULT
                    + ", [::1]:9875) nor a JMX service URL (service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi)");
        }
        try {
            return new JmxTarget(text, new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/jmxrmi"));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("--url '" + url + "': host '" + host + "' does not make a valid JMX service URL ("
                    + e.getMessage() + ")", e);
        }
    }

    private static boolean isPort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int port = Integer.parseInt(text);
        return port > 0 && port <= 65535;
    }

    @Override
    public String toString() {
        return given;
    }
}
