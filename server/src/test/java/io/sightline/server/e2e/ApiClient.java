package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small client of Sightline's Prometheus API for end-to-end tests, over real HTTP on 127.0.0.1. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Reply get(String path, String... params) {
        return send(HttpRequest.newBuilder(URI.create(base + path + query(params))).GET());
    }

    Reply postForm(String path, String... params) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(query(params).substring(1))));
    }

    Reply post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** An instant query's result array; fails the test on a non-success answer. */
    JsonNode instant(String expr, double timeSeconds) {
        Reply r = get("/api/v1/query", "query", expr, "time", Double.toString(timeSeconds));
        JsonNode j = r.json();
        if (r.status != 200 || !"success".equals(j.path("status").asText())) {
            throw new AssertionError("query " + expr + " failed: " + r.status + " " + r.body);
        }
        return j.path("data").path("result");
    }

    /** The single value of an instant-vector query that must return exactly one series. */
    double single(String expr, double timeSeconds) {
        JsonNode result = instant(expr, timeSeconds);
        if (result.size() != 1) {
            throw new AssertionError("expected one series from " + expr + ", got " + result);
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private static String query(String... params) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            m.put(params[i], params[i + 1]);
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? '?' : '&').append(enc(k)).append('=').append(enc(v)));
        return sb.isEmpty() ? "?" : sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
