package dev.twophase.participants.artemis;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an Artemis client URL points at, for error messages: {@code tcp://127.0.0.1:61616?x=y} becomes
 * {@code 127.0.0.1:61616}, {@code (tcp://a:1,tcp://b:2)?ha=true} becomes {@code a:1,b:2}, {@code vm://0}
 * stays {@code vm://0}. Also tells whether the URL sets a given client parameter itself.
 */
final class BrokerAddress {

    static final int DEFAULT_PORT = 61616;

    private BrokerAddress() {
    }

    /** Host and port of every server in the URL, comma separated; the URL itself when it cannot be parsed. */
    static String describe(String brokerUrl) {
        if (brokerUrl == null || brokerUrl.isBlank()) {
            return "<no broker URL>";
        }
        String url = brokerUrl.strip();
        String servers = url.startsWith("(") && url.indexOf(')') > 0
                ? url.substring(1, url.indexOf(')'))
                : url;
        List<String> parts = new ArrayList<>();
        for (String server : servers.split(",")) {
            parts.add(hostAndPort(withoutQuery(server.strip())));
        }
        return String.join(",", parts);
    }

    /** Whether the URL's query sets {@code parameter} (case-insensitive), so it must not be overridden. */
    static boolean setsParameter(String brokerUrl, String parameter) {
        int q = brokerUrl == null ? -1 : brokerUrl.indexOf('?');
        if (q < 0) {
            return false;
        }
        for (String pair : brokerUrl.substring(q + 1).split("&")) {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            if (name.strip().equalsIgnoreCase(parameter)) {
                return true;
            }
        }
        return false;
    }

    private static String hostAndPort(String server) {
        try {
            URI uri = new URI(server);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("vm") || uri.getHost() == null) {
                return server;
            }
            return uri.getHost() + ":" + (uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
        } catch (java.net.URISyntaxException e) {
            return server;
        }
    }

    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
