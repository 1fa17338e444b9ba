package dev.twophase.participants.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host and port of a server named by a JDBC URL, and the test whether a connection error means
 * the server could not be reached at all (as opposed to a refused login or a bad database).
 */
public record Endpoint(String host, int port) {

    private static final Pattern URL = Pattern.compile("^jdbc:[a-z0-9]+:(?:loadbalance:|replication:)?//(\\[[^]]+]|[^/:?,]+)(?::(\\d+))?.*");

    /** Parses {@code jdbc:<driver>://host[:port]/...}; falls back to localhost and the default port. */
    public static Endpoint fromJdbcUrl(String url, int defaultPort) {
        Matcher m = URL.matcher(url == null ? "" : url);
        if (!m.matches()) {
            return new Endpoint("localhost", defaultPort);
        }
        return new Endpoint(m.group(1), m.group(2) == null ? defaultPort : Integer.parseInt(m.group(2)));
    }

    /** Whether the exception chain shows that no connection to the server could be made. */
    public static boolean unreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                    && !(sql.getMessage() != null && sql.getMessage().toLowerCase(java.util.Locale.ROOT).contains("auth"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
