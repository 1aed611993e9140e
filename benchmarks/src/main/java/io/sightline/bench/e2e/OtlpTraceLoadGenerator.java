package io.sightline.bench.e2e;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * End-to-end OTLP/HTTP protobuf trace load: {@code requests} export requests of {@code traces-per-request} traces,
 * each a typical HTTP request trace of {@code spans-per-trace} spans (a SERVER root with http.route, method, status
 * code and url; CLIENT children to a database or another service with db.system / server.address; ~2% errors), from
 * {@code services} services, sent as fast as the server acknowledges them from {@code connections} senders. Prints
 * spans/s and request latency percentiles. Requests are built before the clock starts.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.sightline.bench.e2e.OtlpTraceLoadGenerator
 * --url http://127.0.0.1:4318/v1/traces --requests 2000 --traces-per-request 100 --spans-per-trace 5 --connections 4}
 */
public final class OtlpTraceLoadGenerator {
    private static final String[] ROUTES = {"/api/cart", "/api/cart/{id}", "/api/checkout", "/api/orders/{id}", "/api/products",
            "/api/products/{id}", "/api/users/{id}", "/health"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};

    private OtlpTraceLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:4318/v1/traces";
        int requests = 1000;
        int tracesPerRequest = 100;
        int spansPerTrace = 5;
        int services = 20;
        int connections = 4;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--traces-per-request" -> tracesPerRequest = Integer.parseInt(args[i + 1]);
                case "--spans-per-trace" -> spansPerTrace = Integer.parseInt(args[i + 1]);
                case "--services" -> services = Integer.parseInt(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + " (known: --url --requests --traces-per-request --spans-per-trace --services --connections)");
            }
        }
        long spansTotal = (long) requests * tracesPerRequest * spansPerTrace;
        System.out.printf("building %d requests (%d spans)...%n", requests, spansTotal);
        Random random = new Random(42);
        long t0Nanos = (System.currentTimeMillis() - 600_000L) * 1_000_000L;
        List<byte[]> bodies = new ArrayList<>(requests);
        long bytes = 0;
        for (int r = 0; r < requests; r++) {
            byte[] b = request(r % services, tracesPerRequest, spansPerTrace, t0Nanos + r * 1_000_000L, random).toByteArray();
            bytes += b.length;
            bodies.add(b);
        }
        System.out.printf("%.0f bytes of protobuf per span on the wire%n", (double) bytes / spansTotal);
        LoadSender.Result r = LoadSender.run(url, bodies, connections,
                body -> ExportTraceServiceResponse.parseFrom(body).getPartialSuccess().getRejectedSpans());
        System.out.printf("sent %d requests, %d spans in %.2f s: %.0f spans/s; rejected spans %d, 429s retried %d%n",
                bodies.size(), spansTotal, r.seconds(), spansTotal / r.seconds(), r.rejected(), r.throttled());
        System.out.printf("request latency ms: %s (%d spans per request)%n", r.latencyMillis(), tracesPerRequest * spansPerTrace);
    }

    /** One service's batch: {@code traces} HTTP request traces, the root span and its calls. */
    private static ExportTraceServiceRequest request(int service, int traces, int spansPerTrace, long startNanos, Random random) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat-10.0").setVersion("2.10.0-alpha"));
        for (int t = 0; t < traces; t++) {
            ByteString traceId = randomId(random, 16);
            ByteString rootId = randomId(random, 8);
            long start = startNanos + t * 10_000L;
            long duration = 2_000_000L + (long) (random.nextExponential() * 40_000_000L);
            String route = ROUTES[random.nextInt(ROUTES.length)];
            boolean error = random.nextInt(50) == 0;
            scope.addSpans(Span.newBuilder().setTraceId(traceId).setSpanId(rootId)
                    .setName(METHODS[random.nextInt(METHODS.length)] + " " + route).setKind(Span.SpanKind.SPAN_KIND_SERVER)
                    .setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration)
                    .addAttributes(kv("http.request.method", "GET")).addAttributes(kv("http.route", route))
                    .addAttributes(kv("url.path", route.replace("{id}", Integer.toString(random.nextInt(100_000)))))
                    .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code")
                            .setValue(AnyValue.newBuilder().setIntValue(error ? 500 : 200)))
                    .addAttributes(kv("server.address", "svc-" + service))
                    .setStatus(Status.newBuilder().setCodeValue(error ? 2 : 0)));
            for (int s = 1; s < spansPerTrace; s++) {
                long childStart = start + s * duration / (spansPerTrace + 1);
                Span.Builder child = Span.newBuilder().setTraceId(traceId).setSpanId(randomId(random, 8)).setParentSpanId(rootId)
                        .setKind(Span.SpanKind.SPAN_KIND_CLIENT).setStartTimeUnixNano(childStart)
                        .setEndTimeUnixNano(childStart + duration / (spansPerTrace + 2));
                if (s % 2 == 1) {
                    child.setName("SELECT orders").addAttributes(kv("db.system", "postgresql"))
                            .addAttributes(kv("db.namespace", "shop")).addAttributes(kv("server.address", "pg-1"));
                } else {
                    child.setName("GET").addAttributes(kv("http.request.method", "GET"))
                            .addAttributes(kv("server.address", "svc-" + ((service + s) % 20)));
                }
                scope.addSpans(child);
            }
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "svc-" + service))
                        .addAttributes(kv("service.instance.id", "pod-" + service)).addAttributes(kv("telemetry.sdk.language", "java")))
                .addScopeSpans(scope)).build();
    }

    private static ByteString randomId(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        b[0] |= 1; // never all zeros
        return ByteString.copyFrom(b);
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
