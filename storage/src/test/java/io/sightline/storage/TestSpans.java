package io.sightline.storage;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Spans for trace store tests: hand-made ones and seeded random HTTP-like traces. */
public final class TestSpans {
    public static final long T0 = 1_700_000_000_000_000_000L;
    public static final String[] SERVICES = {"checkout", "cart", "frontend", "payments"};
    public static final String[] NAMES = {"GET /cart", "POST /checkout", "SELECT orders", "charge", "GET /"};
    public static final String[] ROUTES = {"/cart", "/checkout", "/", "/api/items/{id}"};
    public static final String[] METHODS = {"GET", "POST", "PUT"};
    public static final String[] HOSTS = {"node-1", "node-2", "node-3"};

    private final Random random;
    private final List<Attributes> resources = new ArrayList<>();

    public TestSpans(long seed) {
        this.random = new Random(seed);
        for (String service : SERVICES) {
            for (String host : HOSTS) {
                resources.add(Attributes.builder().putString(Span.SERVICE_NAME, service).putString("host.name", host)
                        .putString("deployment.environment", host.equals("node-3") ? "dev" : "prod").build());
            }
        }
    }

    public static String traceId(long n) {
        return HexFormat.of().toHexDigits(0x5eed0000L + n) + HexFormat.of().toHexDigits(n * 0x9E3779B97F4A7C15L);
    }

    public static String spanId(long n) {
        return HexFormat.of().toHexDigits(n * 0xC2B2AE3D27D4EB4FL + 1);
    }

    /** A plain span with string attributes. */
    public static Span span(String traceId, String spanId, String parent, String service, String name, long start,
                            long durationNanos, int status, String... attributes) {
        return new Span(traceId, spanId, parent, "", name, Span.KIND_SERVER, start, start + durationNanos, status, "",
                Attributes.ofStrings(attributes), Attributes.ofStrings(Span.SERVICE_NAME, service), "scope", "1.0",
                List.of(), List.of());
    }

    /** One random trace of 1..8 spans: the first is the root, each other has an earlier span as parent. */
    public List<Span> trace(long traceNumber, long startNanos) {
        String traceId = traceId(traceNumber);
        int n = 1 + random.nextInt(8);
        List<Span> spans = new ArrayList<>(n);
        long spanBase = traceNumber * 16;
        for (int i = 0; i < n; i++) {
            String spanId = spanId(spanBase + i);
            String parent = i == 0 ? "" : spanId(spanBase + random.nextInt(i));
            Attributes resource = resources.get(random.nextInt(resources.size()));
            Attributes.Builder a = Attributes.builder()
                    .putString("http.request.method", METHODS[random.nextInt(METHODS.length)])
                    .putString("http.route", ROUTES[random.nextInt(ROUTES.length)])
                    .putLong("http.response.status_code", random.nextInt(10) == 0 ? 500 : 200);
            if (random.nextBoolean()) {
                a.putString("user.id", "u" + random.nextInt(50));
            }
            if (random.nextInt(5) == 0) {
                a.putDouble("sample.ratio", random.nextInt(4) / 4.0).putBool("cache.hit", random.nextBoolean());
            }
            long start = startNanos + i * 1_000_000L + random.nextInt(1000);
            long duration = 1 + random.nextInt(50_000_000);
            List<SpanEvent> events = random.nextInt(6) == 0
                    ? List.of(new SpanEvent(start + 10, "exception", Attributes.ofStrings("exception.type", "IOException")))
                    : List.of();
            List<SpanLink> links = random.nextInt(10) == 0
                    ? List.of(new SpanLink(traceId(traceNumber + 1_000_000), spanId(7), "k=v", Attributes.ofStrings("why", "retry")))
                    : List.of();
            int status = random.nextInt(6) == 0 ? Span.STATUS_ERROR : random.nextInt(3) == 0 ? Span.STATUS_OK : Span.STATUS_UNSET;
            spans.add(new Span(traceId, spanId, parent, i == 0 ? "" : "vendor=x", NAMES[random.nextInt(NAMES.length)],
                    random.nextInt(6), start, start + duration, status, status == Span.STATUS_ERROR ? "boom" : "",
                    a.build(), resource, "io.opentelemetry.http", "2.1.0", events, links));
        }
        return spans;
    }
}
