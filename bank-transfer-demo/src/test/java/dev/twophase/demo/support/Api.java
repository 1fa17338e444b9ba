package dev.twophase.demo.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for the demo's API, as a user's program would call it. */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    /** The Authorization header sent with every request, or null. */
    private final String authorization;

    public Api(int port) {
        this(port, null);
    }

    private Api(int port, String authorization) {
        this.base = "http://127.0.0.1:" + port;
        this.authorization = authorization;
    }

    /** The same API as a console user (HTTP Basic), e.g. for /admin/** and health details. */
    public static Api as(int port, String user, String password) {
        String token = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Api(port, "Basic " + token);
    }

    /** Status, headers and parsed JSON body (or null) of one response. */
    public record Response(int status, HttpResponse<String> raw, JsonNode body) {
        public String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }
    }

    public Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response get(String path) {
        return send(request(path).GET().build());
    }

    public Response delete(String path) {
        return send(request(path).DELETE().build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    public Response transfer(String fromBank, String fromAccount, String toBank, String toAccount, long cents, String key) {
        return post("/api/transfers", transferJson(fromBank, fromAccount, toBank, toAccount, String.valueOf(cents), key));
    }

    /** A transfer in {@code mode} ({@code xa}, {@code saga}, {@code tcc}, {@code outbox}). */
    public Response transfer(String mode, String fromBank, String fromAccount, String toBank, String toAccount, long cents, String key) {
        String json = transferJson(fromBank, fromAccount, toBank, toAccount, String.valueOf(cents), key);
        return post("/api/transfers", json.substring(0, json.length() - 1) + ",\"mode\":\"" + mode + "\"}");
    }

    public static String transferJson(String fromBank, String fromAccount, String toBank, String toAccount, String amount, String key) {
        return "{\"from\":{\"bank\":\"" + fromBank + "\",\"account\":\"" + fromAccount + "\"},"
                + "\"to\":{\"bank\":\"" + toBank + "\",\"account\":\"" + toAccount + "\"},"
                + "\"amountCents\":" + amount + ",\"idempotencyKey\":\"" + key + "\"}";
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), response, body);
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
