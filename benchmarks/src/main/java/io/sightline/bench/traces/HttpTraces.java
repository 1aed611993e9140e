package io.sightline.bench.traces;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Seeded traces shaped like instrumented HTTP services: a SERVER root (method, route, path with an id, status
 * code, user agent), CLIENT calls to other services with their SERVER spans, and database spans; about 8% errors;
 * OpenTelemetry semantic-convention attribute names and SDK resource attributes.
 */
final class HttpTraces {
    private static final String[] SERVICES = {"frontend", "checkout", "cart", "payments", "catalog", "users", "shipping", "search"};
    private static final String[][] ROUTES = {
            {"GET", "/api/products/{id}", "/api/products/"}, {"POST", "/api/cart/{id}/items", "/api/cart/"},
            {"GET", "/api/users/{id}", "/api/users/"}, {"POST", "/api/checkout", "/api/checkout"},
            {"GET", "/api/search", "/api/search"}, {"GET", "/api/orders/{id}", "/api/orders/"}};
    private static final String[] AGENTS = {"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "okhttp/4.12.0",
            "Go-http-client/1.1", "python-requests/2.32.3"};
    private static final String[] STATEMENTS = {"SELECT * FROM products WHERE id = ?", "UPDATE carts SET items = ? WHERE id = ?",
            "SELECT * FROM users WHERE id = ?", "INSERT INTO orders VALUES (?, ?, ?)"};

    private final Random random;
    private final List<Attributes> resources = new ArrayList<>();
    private final HexFormat hex = HexFormat.of();
    private long spanCounter;

    HttpTraces(long seed) {
        random = new Random(seed);
        for (String service : SERVICES) {
            for (int pod = 0; pod < 3; pod++) {
                resources.add(Attributes.builder().putString(Span.SERVICE_NAME, service)
                        .putString("service.version", "1.4." + pod).putString("service.namespace", "shop")
                        .putString("host.name", "node-" + (pod + 1))
                        .putString("k8s.pod.name", service + "-7d9f8c6b5-" + "abcde".charAt(pod) + "x" + pod)
                        .putString("telemetry.sdk.language", "java").putString("telemetry.sdk.name", "opentelemetry")
                        .putString("telemetry.sdk.version", "1.44.1").build());
            }
        }
    }

    String traceId(long n) {
        return hex.toHexDigits(n * 0x9E3779B97F4A7C15L ^ 0x5DEECE66DL) + hex.toHexDigits(n * 0xC2B2AE3D27D4EB4FL + 7);
    }

    private String nextSpanId() {
        return hex.toHexDigits(++spanCounter * 0xD6E8FEB86659FD93L);
    }

    private Attributes resource(int service) {
        return resources.get(service * 3 + random.nextInt(3));
    }

    /** Trace {@code n} starting at {@code start}, 3 to 10 spans. */
    List<Span> trace(long n, long start) {
        String traceId = traceId(n);
        List<Span> spans = new ArrayList<>(10);
        String[] route = ROUTES[random.nextInt(ROUTES.length)];
        boolean isError = random.nextInt(100) < 8;
        long rootDuration = 2_000_000L + (long) (Math.exp(random.nextGaussian()) * 20_000_000L);
        String rootId = nextSpanId();
        int status = isError ? 500 : route[0].equals("POST") ? 201 : 200;
        spans.add(server(traceId, rootId, "", 0, route, start, rootDuration, status, isError));
        int calls = 1 + random.nextInt(4);
        long t = start + 200_000;
        for (int c = 0; c < calls && spans.size() < 9; c++) {
            int callee = 1 + random.nextInt(SERVICES.length - 1);
            long d = Math.max(100_000, rootDuration / (calls + 1) - random.nextInt(100_000));
            String clientId = nextSpanId();
            String[] calleeRoute = ROUTES[random.nextInt(ROUTES.length)];
            boolean callFailed = isError && c == calls - 1;
            spans.add(new Span(traceId, clientId, rootId, "", calleeRoute[0], Span.KIND_CLIENT, t, t + d,
                    callFailed ? Span.STATUS_ERROR : Span.STATUS_UNSET, "", Attributes.builder()
                    .putString("http.request.method", calleeRoute[0])
                    .putString("server.address", SERVICES[callee]).putLong("server.port", 8080)
                    .putString("url.full", "http://" + SERVICES[callee] + ":8080" + calleeRoute[2] + idFor(calleeRoute))
                    .putLong("http.response.status_code", callFailed ? 500 : 200).build(),
                    resource(0), "io.opentelemetry.java-http-client", "2.10.0-alpha", List.of(), List.of()));
            String serverId = nextSpanId();
            spans.add(server(traceId, serverId, clientId, callee, calleeRoute, t + 50_000, d - 100_000,
                    callFailed ? 500 : 200, callFailed));
            if (random.nextBoolean()) {
                long dd = Math.max(10_000, (d - 200_000) / 2);
                spans.add(new Span(traceId, nextSpanId(), serverId, "", "SELECT shop", Span.KIND_CLIENT, t + 100_000,
                        t + 100_000 + dd, Span.STATUS_UNSET, "", Attributes.builder().putString("db.system", "postgresql")
                        .putString("db.namespace", "shop").putString("db.query.text", STATEMENTS[random.nextInt(STATEMENTS.length)])
                        .putString("server.address", "postgres").putLong("server.port", 5432).build(),
                        resource(callee), "io.opentelemetry.jdbc", "2.10.0-alpha", List.of(), List.of()));
            }
            t += d;
        }
        return spans;
    }

    private String idFor(String[] route) {
        return route[1].contains("{id}") ? Integer.toString(random.nextInt(100_000)) : "";
    }

    private Span server(String traceId, String spanId, String parent, int service, String[] route, long start,
                        long duration, int status, boolean isError) {
        Attributes a = Attributes.builder()
                .putString("http.request.method", route[0]).putString("http.route", route[1])
                .putString("url.path", route[2] + idFor(route)).putString("url.scheme", "http")
                .putLong("http.response.status_code", status).putString("network.protocol.version", "1.1")
                .putString("user_agent.original", AGENTS[random.nextInt(AGENTS.length)])
                .putString("client.address", "10.0." + random.nextInt(4) + "." + random.nextInt(250)).build();
        return new Span(traceId, spanId, parent, "", route[0] + " " + route[1], Span.KIND_SERVER, start,
                start + Math.max(1, duration), isError ? Span.STATUS_ERROR : Span.STATUS_UNSET, "", a, resource(service),
                "io.opentelemetry.netty-4.1", "2.10.0-alpha", List.of(), List.of());
    }
}
