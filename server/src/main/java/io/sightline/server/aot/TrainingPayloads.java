package io.sightline.server.aot;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training's request bodies: what an ordinary deployment sends, not the benchmark's payloads. Remote write as a
 * Prometheus shard sends it (scrape targets with request counters, a latency histogram and process gauges), and OTLP
 * as the OpenTelemetry SDKs export it (gauges, cumulative and delta sums, histograms; log records with trace context;
 * server and client spans). Deterministic: a fixed seed.
 */
final class TrainingPayloads {
    static final String[] SERVICES = {"checkout", "cart", "payment", "catalog", "frontend"};
    static final String[] ROUTES = {"/api/orders", "/api/orders/{id}", "/api/cart", "/api/products/{id}", "/health"};
    private static final String[] CODES = {"200", "404", "500", "503"};
    private static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"};
    /** Series per remote-write target: 5 routes x 4 codes counters, 5 x (11 buckets + sum + count), 15 gauges. */
    static final int SERIES_PER_TARGET = 100;

    private final SplittableRandom random = new SplittableRandom(20261126);

    /** One remote-write request (snappy-compressed {@code WriteRequest}): one sample of each series of the targets. */
    byte[] remoteWrite(int firstTarget, int targets, long timestampMillis, int round) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(targets * SERIES_PER_TARGET * 80);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            for (int t = firstTarget; t < firstTarget + targets; t++) {
                String instance = "host-" + t + ":9100";
                for (String route : ROUTES) {
                    for (int c = 0; c < CODES.length; c++) {
                        double rate = c == 0 ? 20 : 0.3;
                        series(out, timestampMillis, round * rate * 15 + t % 7, "http_requests_total", instance,
                                "route", route, "code", CODES[c]);
                    }
                    double count = round * 20.0 * 15;
                    for (int b = 0; b < LE.length; b++) {
                        series(out, timestampMillis, Math.floor(count * Math.min(1, (b + 1) / 9.0)),
                                "http_request_duration_seconds_bucket", instance, "route", route, "le", LE[b]);
                    }
                    series(out, timestampMillis, count * 0.042, "http_request_duration_seconds_sum", instance, "route", route);
                    series(out, timestampMillis, count, "http_request_duration_seconds_count", instance, "route", route);
                }
                series(out, timestampMillis, round * 0.37 + t, "process_cpu_seconds_total", instance);
                series(out, timestampMillis, 2e8 + random.nextInt(1 << 20), "process_resident_memory_bytes", instance);
                series(out, timestampMillis, 1024 + random.nextInt(64), "process_open_fds", instance);
                for (int cpu = 0; cpu < 4; cpu++) {
                    series(out, timestampMillis, 40 + random.nextDouble() * 30, "node_hwmon_temp_celsius", instance,
                            "sensor", "temp" + cpu);
                    series(out, timestampMillis, round * 11.5 + cpu, "node_cpu_seconds_total", instance,
                            "cpu", Integer.toString(cpu), "mode", "user");
                }
                series(out, timestampMillis, 1.5 + random.nextDouble(), "node_load1", instance);
                series(out, timestampMillis, 8e9 + random.nextInt(1 << 24), "node_memory_MemAvailable_bytes", instance);
                series(out, timestampMillis, 1, "up", instance);
                series(out, timestampMillis, 0.01 + random.nextDouble() / 100, "scrape_duration_seconds", instance);
            }
            out.flush();
            return Snappy.compress(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code WriteRequest.timeseries} (field 1): labels sorted by name, as Prometheus sends them, and one sample. */
    private static void series(CodedOutputStream out, long ts, double value, String name, String instance,
                               String... pairs) throws IOException {
        String[][] labels = new String[pairs.length / 2 + 3][];
        labels[0] = new String[] {"__name__", name};
        labels[1] = new String[] {"instance", instance};
        labels[2] = new String[] {"job", "node"};
        for (int i = 0; i < pairs.length; i += 2) {
            labels[3 + i / 2] = new String[] {pairs[i], pairs[i + 1]};
        }
        Arrays.sort(labels, (a, b) -> a[0].compareTo(b[0]));
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        CodedOutputStream s = CodedOutputStream.newInstance(buf);
        for (String[] l : labels) {
            label(s, l[0], l[1]);
        }
        s.writeTag(2, 2);
        s.writeUInt32NoTag(CodedOutputStream.computeDoubleSize(1, value) + CodedOutputStream.computeInt64Size(2, ts));
        s.writeDouble(1, value);
        s.writeInt64(2, ts);
        s.flush();
        out.writeByteArray(1, buf.toByteArray());
    }

    private static void label(CodedOutputStream s, String name, String value) throws IOException {
        s.writeTag(1, 2);
        s.writeUInt32NoTag(CodedOutputStream.computeStringSize(1, name) + CodedOutputStream.computeStringSize(2, value));
        s.writeString(1, name);
        s.writeString(2, value);
    }

    /** OTLP metrics of one service instance at one export: the kinds an SDK exports. */
    byte[] otlpMetrics(int service, int instance, long timeNanos, long startNanos, int export) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.runtime-telemetry").setVersion("2.10.0"));
        for (String route : ROUTES) {
            List<KeyValue> attrs = List.of(kv("http.route", route), kv("http.request.method", "GET"));
            long count = export * 30L + random.nextInt(10);
            scope.addMetrics(Metric.newBuilder().setName("http.server.request.duration").setUnit("s")
                    .setHistogram(Histogram.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                            .addDataPoints(HistogramDataPoint.newBuilder().addAllAttributes(attrs).setStartTimeUnixNano(startNanos)
                                    .setTimeUnixNano(timeNanos).setCount(count).setSum(count * 0.05)
                                    .addAllExplicitBounds(List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0))
                                    .addAllBucketCounts(List.of(count / 9, count / 9, count / 9, count / 9, count / 9, count / 9,
                                            count / 9, count / 9, count - 8 * (count / 9))))));
            scope.addMetrics(Metric.newBuilder().setName("http.server.active_requests").setUnit("{request}")
                    .setSum(Sum.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                            .addDataPoints(NumberDataPoint.newBuilder().addAllAttributes(attrs).setStartTimeUnixNano(timeNanos - 15_000_000_000L)
                                    .setTimeUnixNano(timeNanos).setAsInt(random.nextInt(20)))));
        }
        scope.addMetrics(Metric.newBuilder().setName("jvm.memory.used").setUnit("By")
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().addAttributes(kv("jvm.memory.pool.name", "G1 Old Gen"))
                        .setTimeUnixNano(timeNanos).setAsInt(200_000_000L + random.nextInt(1 << 20)))));
        scope.addMetrics(Metric.newBuilder().setName("jvm.cpu.time").setUnit("s")
                .setSum(Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(startNanos).setTimeUnixNano(timeNanos)
                                .setAsDouble(export * 1.7))));
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(resource(service, instance)).addScopeMetrics(scope)).build().toByteArray();
    }

    /** OTLP log records of one service: access lines and the odd error, with trace context. */
    byte[] otlpLogs(int service, long timeNanos, int records) {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("org.slf4j"));
        for (int i = 0; i < records; i++) {
            boolean error = random.nextInt(20) == 0;
            String route = ROUTES[random.nextInt(ROUTES.length)];
            scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(timeNanos + i * 1_000_000L)
                    .setObservedTimeUnixNano(timeNanos + i * 1_000_000L + 500_000L)
                    .setSeverityNumber(error ? SeverityNumber.SEVERITY_NUMBER_ERROR : SeverityNumber.SEVERITY_NUMBER_INFO)
                    .setSeverityText(error ? "ERROR" : "INFO")
                    .setBody(AnyValue.newBuilder().setStringValue(error
                            ? "request failed: connection reset by peer route=" + route + " attempt=" + (1 + random.nextInt(3))
                            : "GET " + route + " completed status=200 duration_ms=" + random.nextInt(300)))
                    .addAttributes(kv("http.route", route)).addAttributes(kv("thread.name", "http-nio-" + random.nextInt(8)))
                    .setTraceId(id(16)).setSpanId(id(8)));
        }
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(resource(service, 0)).addScopeLogs(scope)).build().toByteArray();
    }

    /** OTLP traces of one service: a server span per request with a database and a downstream call. */
    byte[] otlpTraces(int service, long startNanos, int traces, List<ByteString> traceIds) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.netty-4.1"));
        for (int t = 0; t < traces; t++) {
            ByteString traceId = id(16);
            if (traceIds.size() < 16) {
                traceIds.add(traceId);
            }
            ByteString root = id(8);
            long start = startNanos + t * 3_000_000L;
            long duration = 1_000_000L + (long) (random.nextExponential() * 30_000_000L);
            boolean error = random.nextInt(40) == 0;
            String route = ROUTES[random.nextInt(ROUTES.length)];
            scope.addSpans(Span.newBuilder().setTraceId(traceId).setSpanId(root).setName("GET " + route)
                    .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(start).setEndTimeUnixNano(start + duration)
                    .addAttributes(kv("http.route", route)).addAttributes(kv("http.request.method", "GET"))
                    .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code")
                            .setValue(AnyValue.newBuilder().setIntValue(error ? 500 : 200)))
                    .setStatus(Status.newBuilder().setCode(error ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET)));
            scope.addSpans(Span.newBuilder().setTraceId(traceId).setSpanId(id(8)).setParentSpanId(root).setName("SELECT orders")
                    .setKind(Span.SpanKind.SPAN_KIND_CLIENT).setStartTimeUnixNano(start + duration / 4)
                    .setEndTimeUnixNano(start + duration / 2).addAttributes(kv("db.system", "postgresql"))
                    .addAttributes(kv("server.address", "pg-1")));
            scope.addSpans(Span.newBuilder().setTraceId(traceId).setSpanId(id(8)).setParentSpanId(root).setName("POST")
                    .setKind(Span.SpanKind.SPAN_KIND_CLIENT).setStartTimeUnixNano(start + duration / 2)
                    .setEndTimeUnixNano(start + duration * 3 / 4).addAttributes(kv("http.request.method", "POST"))
                    .addAttributes(kv("server.address", SERVICES[(service + 1) % SERVICES.length])));
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(resource(service, 0)).addScopeSpans(scope)).build().toByteArray();
    }

    private static Resource resource(int service, int instance) {
        return Resource.newBuilder().addAttributes(kv("service.name", SERVICES[service % SERVICES.length]))
                .addAttributes(kv("service.namespace", "shop"))
                .addAttributes(kv("service.instance.id", SERVICES[service % SERVICES.length] + "-" + instance))
                .addAttributes(kv("deployment.environment", "production"))
                .addAttributes(kv("telemetry.sdk.language", "java")).build();
    }

    private ByteString id(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        b[0] |= 1; // never all zeros
        return ByteString.copyFrom(b);
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
