package io.sightline.bench.ingest;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.sightline.ingest.TracesIngestConfig;
import io.sightline.ingest.otlp.TracesDecoder;
import io.sightline.ingest.otlp.TracesTranslator;
import io.sightline.ingest.otlp.TracesWriter;
import io.sightline.ingest.spanmetrics.SpanMetrics;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * OTLP trace ingest on one thread, one operation = one span: {@code decode} parses an
 * {@code ExportTraceServiceRequest} of 500 typical HTTP spans (100 traces: a SERVER root with 5 attributes and 4
 * CLIENT children with 3); {@code decodeAndTranslate} also translates it to storage spans; {@code ingest} also commits them to the real trace
 * store (WAL fsync off) through span metrics (counted, not flushed); {@code ingestWithoutSpanMetrics} commits without
 * them. The {@code streaming*} variants read the bytes with {@link TracesDecoder} (storage spans straight from the
 * wire, what the OTLP gRPC and HTTP protobuf paths use) in place of protobuf's parser plus the translator (still the
 * OTLP/JSON path), so one run compares both. Requests are built before the run and cycled.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TraceIngestBenchmark -prof gc}
 */
public class TraceIngestBenchmark extends OtlpIngestBenchmark {
    static final int TRACES = 100;
    static final int SPANS_PER_TRACE = 5;
    static final int SPANS = TRACES * SPANS_PER_TRACE;
    static final int BODIES = 256;

    private Path dir;
    private Storage metrics;
    private TraceStore traces;
    private SpanMetrics spanMetrics;
    private TracesWriter writer;
    private TracesWriter plainWriter;
    private final TracesTranslator translator = new TracesTranslator();
    private final Random random = new Random(42);
    private long startNanos;
    private final byte[][] bodies = new byte[BODIES][];
    private int next;
    private byte[] body;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("trace-bench");
        metrics = Storage.open(new StorageConfig(dir.resolve("metrics"), StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.NEVER, 1_000, 128L << 20, 0, 100_000),
                OpenTelemetry.noop().getMeter("bench"));
        traces = TraceStore.open(new TraceStoreConfig(dir.resolve("traces"), 3_600_000, 256L << 20, 86_400_000L, WalSyncMode.NEVER,
                1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES), OpenTelemetry.noop().getMeter("bench"));
        spanMetrics = SpanMetrics.open(traces, metrics, metrics, TracesIngestConfig.defaults().withFlushInterval(3_600_000),
                OpenTelemetry.noop().getMeter("bench"), InstantSource.system());
        writer = new TracesWriter(traces, translator, spanMetrics, n -> { }, (reason, n) -> { });
        plainWriter = new TracesWriter(traces, translator, TracesWriter.Committer.PLAIN, n -> { }, (reason, n) -> { });
        startNanos = (System.currentTimeMillis() - 600_000) * 1_000_000L;
        buildRequests();
    }

    /**
     * Built once: building a request per invocation allocated more than the decoder itself and counted in
     * {@code gc.alloc.rate.norm}. The store sees each request {@link #BODIES} times over a run (same ids, later times
     * are not needed: it accepts spans in any order).
     */
    private void buildRequests() {
        for (int i = 0; i < BODIES; i++) {
            startNanos += 1_000_000L;
            bodies[i] = request(startNanos).toByteArray();
        }
    }

    @Setup(Level.Invocation)
    public void nextRequest() {
        body = bodies[next++ & (BODIES - 1)];
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        spanMetrics.close();
        traces.close();
        metrics.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void decode(Blackhole bh) throws IOException {
        bh.consume(ExportTraceServiceRequest.parseFrom(body));
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void decodeAndTranslate(Blackhole bh) throws IOException {
        List<io.sightline.storage.model.Span> out = new ArrayList<>(SPANS);
        bh.consume(translator.translate(ExportTraceServiceRequest.parseFrom(body), out::add));
        bh.consume(out);
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void streamingDecode(Blackhole bh) throws IOException {
        bh.consume(TracesDecoder.decode(body));
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void streamingIngest(Blackhole bh) throws IOException {
        bh.consume(writer.write(TracesDecoder.decode(body)));
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void streamingIngestWithoutSpanMetrics(Blackhole bh) throws IOException {
        bh.consume(plainWriter.write(TracesDecoder.decode(body)));
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void ingest(Blackhole bh) throws IOException {
        bh.consume(writer.write(ExportTraceServiceRequest.parseFrom(body)));
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public void ingestWithoutSpanMetrics(Blackhole bh) throws IOException {
        bh.consume(plainWriter.write(ExportTraceServiceRequest.parseFrom(body)));
    }

    private ExportTraceServiceRequest request(long start) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat-10.0").setVersion("2.10.0-alpha"));
        for (int t = 0; t < TRACES; t++) {
            ByteString traceId = id(16);
            ByteString rootId = id(8);
            long s0 = start + t * 1_000L;
            long duration = 2_000_000L + random.nextInt(50_000_000);
            scope.addSpans(Span.newBuilder().setTraceId(traceId).setSpanId(rootId).setName("GET /api/cart/{id}")
                    .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(s0).setEndTimeUnixNano(s0 + duration)
                    .addAttributes(kv("http.request.method", "GET")).addAttributes(kv("http.route", "/api/cart/{id}"))
                    .addAttributes(kv("url.path", "/api/cart/" + random.nextInt(100_000)))
                    .addAttributes(KeyValue.newBuilder().setKey("http.response.status_code").setValue(AnyValue.newBuilder().setIntValue(200)))
                    .addAttributes(kv("server.address", "cart")));
            for (int s = 1; s < SPANS_PER_TRACE; s++) {
                long cs = s0 + s * duration / 6;
                scope.addSpans(Span.newBuilder().setTraceId(traceId).setSpanId(id(8)).setParentSpanId(rootId).setName("SELECT cart")
                        .setKind(Span.SpanKind.SPAN_KIND_CLIENT).setStartTimeUnixNano(cs).setEndTimeUnixNano(cs + duration / 7)
                        .addAttributes(kv("db.system", "postgresql")).addAttributes(kv("db.namespace", "shop"))
                        .addAttributes(kv("server.address", "pg-1")));
            }
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "cart")).addAttributes(kv("service.instance.id", "pod-1")))
                .addScopeSpans(scope)).build();
    }

    private ByteString id(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        b[0] |= 1;
        return ByteString.copyFrom(b);
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
