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

    public Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Status, headers and parsed JSON body (or null) of one response. */
    public record Response(int status, HttpResponse<String> raw, JsonNode body) {
        public String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }
    }

    public Response post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    public Response transfer(String fromBank, String fromAccount, String toBank, String toAccount, long cents, String key) {
        return post("/api/transfers", transferJson(fromBank, fromAccount, toBank, toAccount, String.valueOf(cents), key));
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
