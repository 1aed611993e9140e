package io.sightline.bench.query;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.TraceQueryConfig;
import io.sightline.query.TraceQueryEngine;
import io.sightline.query.TraceSearchResult;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * TraceQL search latency over one hour of generated traces in the real trace store (six segments of ten minutes
 * each, plus the head): the median and the slowest of repeated runs of the searches Grafana sends.
 *
 * <p>Usage: {@code java $(grep -v '^#' deploy/jvm.options) -Xmx3g -cp benchmarks/target/benchmarks.jar
 * io.sightline.bench.query.TraceSearchBenchmark --traces-per-second 50 --runs 20 --dir /tmp/tracebench}; add
 * {@code --reuse true} to query the hour an earlier run wrote (within the last hour), {@code --query '{...}'} for one.
 */
public final class TraceSearchBenchmark {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final String[] ROUTES = {"/", "/api/cart", "/api/products", "/api/checkout", "/api/search",
            "/api/user", "/api/recommendations", "/api/ads", "/api/currency", "/api/shipping"};
    private static final String[] BACKENDS = {"cart", "catalog", "checkout", "payment", "currency", "shipping", "ads", "recommendation"};
    private static final List<String> QUERIES = List.of(
            "{}",
            "{ resource.service.name = \"payment\" }",
            "{ status = error }",
            "{ span.http.route = \"/api/cart\" && duration > 200ms }",
            "{ span.http.response.status_code >= 500 }",
            "{ resource.service.name = \"checkout\" } && { resource.service.name = \"payment\" && status = error }",
            "{ name = \"charge\" } | count() > 1",
            "{ rootServiceName = \"frontend\" && status = error }",
            "{ kind = client } | avg(duration) > 150ms");

    private TraceSearchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int perSecond = 50;
        int runs = 20;
        Path dir = Path.of("/tmp/sightline-tracebench");
        boolean isReusing = false;
        List<String> queries = QUERIES;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--reuse" -> isReusing = Boolean.parseBoolean(args[i + 1]);
                case "--query" -> queries = List.of(args[i + 1]);
                case "--traces-per-second" -> perSecond = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (Files.exists(dir) && !isReusing) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        TraceStoreConfig config = new TraceStoreConfig(dir, 24 * 3_600_000L, 512L << 20, 15 * 24 * 3_600_000L,
                WalSyncMode.NEVER, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES);
        try (TraceStore store = TraceStore.open(config, OpenTelemetry.noop().getMeter("bench"))) {
            long end = System.currentTimeMillis() * MS;
            long start = end - 3_600 * S;
            if (isReusing) { // the hour written by an earlier run, which must have ended within the last hour
                start = end - 7_200 * S;
            } else {
                long t0 = System.nanoTime();
                long spans = write(store, start, perSecond);
                double writeSeconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("wrote %,d spans (%,d traces) of one hour in %.1f s (%,.0f spans/s into the store)%n",
                        spans, perSecond * 3_600L, writeSeconds, spans / writeSeconds);
            }
            TraceQueryEngine engine = TraceQueryEngine.create(store, TraceQueryConfig.defaults());
            System.out.println("| query | traces found | spans read | median | slowest |");
            System.out.println("| --- | --- | --- | --- | --- |");
            for (String q : queries) {
                long[] nanos = new long[runs];
                TraceSearchResult last = null;
                for (int w = 0; w < 3; w++) {
                    last = engine.search(q, start, end, 20, 3);
                }
                for (int r = 0; r < runs; r++) {
                    long s0 = System.nanoTime();
                    last = engine.search(q, start, end, 20, 3);
                    nanos[r] = System.nanoTime() - s0;
                }
                Arrays.sort(nanos);
                System.out.printf("| `%s` | %d | %,d | %.1f ms | %.1f ms |%n", q.replace("|", "\\|"), last.traces().size(),
                        last.inspectedSpans(), nanos[runs / 2] / 1e6, nanos[runs - 1] / 1e6);
            }
        }
    }

    /** One hour of traces: a frontend root calling 2 to 6 backends, 2% errors; a segment cut every ten minutes. */
    private static long write(TraceStore store, long start, int perSecond) {
        Random random = new Random(42);
        HexFormat hex = HexFormat.of();
        byte[] id = new byte[16];
        long spans = 0;
        SpanAppender a = store.appender();
        long nextCut = start + 600 * S;
        for (int second = 0; second < 3_600; second++) {
            long secondStart = start + second * S;
            if (secondStart >= nextCut) {
                a.commit();
                store.cutSegment();
                nextCut += 600 * S;
            }
            for (int t = 0; t < perSecond; t++) {
                random.nextBytes(id);
                String traceId = hex.formatHex(id);
                long traceStart = secondStart + random.nextInt(1_000) * MS;
                boolean isError = random.nextInt(50) == 0;
                String route = ROUTES[random.nextInt(ROUTES.length)];
                int children = 2 + random.nextInt(5);
                long total = 0;
                List<Span> kids = new ArrayList<>(children);
                String rootId = spanId(random, hex);
                long offset = MS;
                for (int c = 0; c < children; c++) {
                    String service = BACKENDS[random.nextInt(BACKENDS.length)];
                    long d = (long) (Math.exp(random.nextGaussian() * 0.8 + 3.5) * MS); // median ~33 ms
                    boolean childError = isError && c == children - 1;
                    String name = service.equals("payment") ? "charge" : "rpc " + service;
                    kids.add(span(traceId, spanId(random, hex), rootId, service, name, Span.KIND_CLIENT, traceStart + offset,
                            traceStart + offset + d, childError, Attributes.builder().putString("rpc.service", service)
                                    .putLong("attempt", 1).build()));
                    offset += d / 2;
                    total = Math.max(total, offset + d);
                }
                a.append(span(traceId, rootId, "", "frontend", "GET " + route, Span.KIND_SERVER, traceStart,
                        traceStart + total + MS, isError, Attributes.builder().putString("http.route", route)
                                .putString("http.request.method", "GET").putLong("http.response.status_code", isError ? 500 : 200)
                                .putString("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)").build()));
                for (Span k : kids) {
                    a.append(k);
                }
                spans += 1 + children;
            }
            if (second % 10 == 9) {
                a.commit();
            }
        }
        a.commit();
        return spans;
    }

    private static String spanId(Random random, HexFormat hex) {
        byte[] b = new byte[8];
        random.nextBytes(b);
        b[0] |= 1; // never all zero
        return hex.formatHex(b);
    }

    private static Span span(String trace, String id, String parent, String service, String name, int kind, long start,
                             long end, boolean isError, Attributes attrs) {
        return new Span(trace, id, parent, "", name, kind, start, end, isError ? Span.STATUS_ERROR : Span.STATUS_UNSET,
                isError ? "failed" : "", attrs, Attributes.ofStrings("service.name", service, "deployment.environment", "prod",
                "host.name", "node-" + (service.hashCode() & 3)), "io.opentelemetry.http", "2.9.0", List.of(), List.of());
    }
}
