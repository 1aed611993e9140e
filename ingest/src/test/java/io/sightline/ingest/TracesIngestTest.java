package io.sightline.ingest;

import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OTLP traces over gRPC and HTTP into a running IngestService backed by the real trace and metrics stores. */
class TracesIngestTest {
    private static final String PROTOBUF = "application/x-protobuf";

    @TempDir
    Path dataDir;
    private TraceStore traces;
    private IngestFixture fixture;
    private ManagedChannel channel;
    private final HttpClient http = HttpClient.newHttpClient();

    private void start(IngestConfig config, CountDownLatch entered, CountDownLatch release) throws Exception {
        traces = TraceStore.open(new TraceStoreConfig(dataDir.resolve("traces"), 3_600_000, 64L << 20, 3_600_000L * 24 * 365 * 100,
                WalSyncMode.NEVER, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES), SdkMeterProvider.builder().build().get("t"));
        TraceStore target = entered == null ? traces : new HoldingTraceStore(traces, entered, release);
        fixture = new IngestFixture(dataDir.resolve("metrics"), config, target, TracesIngestConfig.defaults().withFlushInterval(3_600_000));
    }

    private void start() throws Exception {
        start(IngestFixture.localConfig().withLimits(1 << 20, 64, 256, 4096), null, null);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (fixture != null) {
            fixture.close();
        }
        if (traces != null) {
            traces.close();
        }
    }

    private List<Span> stored() {
        List<Span> out = new ArrayList<>();
        try (TraceQuerier q = traces.querier(0, Long.MAX_VALUE)) {
            q.select(List.of(), s -> out.add(s));
        }
        return out;
    }

    private List<Span> trace(String traceId) {
        try (TraceQuerier q = traces.querier(0, Long.MAX_VALUE)) {
            return q.trace(traceId);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grpc", "http/protobuf", "grpc gzip", "http/protobuf gzip"})
    void sdkSpansAreStoredWithParentLinksKindsStatusEventsAndTypedAttributes(String protocol) throws Exception {
        start();
        String compression = protocol.endsWith("gzip") ? "gzip" : "none";
        SpanExporter exporter = protocol.startsWith("grpc")
                ? OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + fixture.service.grpcPort())
                        .setCompression(compression).build()
                : OtlpHttpSpanExporter.builder().setEndpoint("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/traces")
                        .setCompression(compression).build();
        String traceId;
        String parentId;
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.create(io.opentelemetry.api.common.Attributes.builder()
                        .put("service.name", "checkout").put("deployment.environment", "prod").build()))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofHours(1)).build()).build()) {
            Tracer tracer = provider.get("shop", "3.1");
            io.opentelemetry.api.trace.Span parent = tracer.spanBuilder("GET /cart").setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.route", "/cart").setAttribute(AttributeKey.longKey("http.response.status_code"), 200L).startSpan();
            try (Scope ignored = parent.makeCurrent()) {
                io.opentelemetry.api.trace.Span child = tracer.spanBuilder("SELECT orders").setSpanKind(SpanKind.CLIENT)
                        .setAttribute("db.system", "postgresql").startSpan();
                child.addEvent("retry", io.opentelemetry.api.common.Attributes.of(AttributeKey.longKey("attempt"), 2L));
                child.setStatus(StatusCode.ERROR, "deadlock");
                child.end();
            }
            parent.end();
            traceId = parent.getSpanContext().getTraceId();
            parentId = parent.getSpanContext().getSpanId();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        List<Span> got = trace(traceId);
        assertThat(got).hasSize(2);
        Span server = got.stream().filter(Span::isRoot).findFirst().orElseThrow();
        Span client = got.stream().filter(s -> !s.isRoot()).findFirst().orElseThrow();
        assertThat(server.spanId()).isEqualTo(parentId);
        assertThat(client.parentSpanId()).isEqualTo(parentId);
        assertThat(server.kind()).isEqualTo(Span.KIND_SERVER);
        assertThat(client.kind()).isEqualTo(Span.KIND_CLIENT);
        assertThat(client.statusCode()).isEqualTo(Span.STATUS_ERROR);
        assertThat(client.statusMessage()).isEqualTo("deadlock");
        assertThat(client.events()).hasSize(1);
        assertThat(client.events().getFirst().name()).isEqualTo("retry");
        assertThat(client.events().getFirst().attributes().longValue(0)).isEqualTo(2);
        Attributes a = server.attributes();
        assertThat(a.get("http.route")).isEqualTo("/cart");
        assertThat(a.type(a.indexOf("http.response.status_code"))).isEqualTo(Attributes.Type.INT);
        assertThat(server.service()).isEqualTo("checkout");
        assertThat(server.resource().get("deployment.environment")).isEqualTo("prod");
        assertThat(server.scopeName()).isEqualTo("shop");
        assertThat(server.scopeVersion()).isEqualTo("3.1");
        assertThat(fixture.counter("sightline_ingest_spans_accepted_total", null)).isEqualTo(2);
    }

    @Test
    void theSpecsOtlpJsonExampleWithUpperCaseHexIdsIsStoredWithLowerCaseIds() throws Exception {
        start();
        HttpResponse<byte[]> r = post("application/json", null, Files.readAllBytes(Reference.file("otlp-examples/trace.json")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        List<Span> got = trace("5b8efff798038103d269b633813fc60c");
        assertThat(got).hasSize(1);
        Span s = got.getFirst();
        assertThat(s.spanId()).isEqualTo("eee19b7ec3c1b174");
        assertThat(s.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
        assertThat(s.name()).isEqualTo("I'm a server span");
        assertThat(s.kind()).isEqualTo(Span.KIND_SERVER);
        assertThat(s.startNanos()).isEqualTo(1544712660000000000L);
        assertThat(s.durationNanos()).isEqualTo(1_000_000_000L);
        assertThat(s.service()).isEqualTo("my.service");
        assertThat(s.scopeName()).isEqualTo("my.library");
        assertThat(s.attributes()).isEqualTo(Attributes.ofStrings("my.span.attr", "some value"));
    }

    @Test
    void invalidIdsAreRejectedPerSpanThroughPartialSuccessOverHttpAndGrpc() throws Exception {
        start();
        ExportTraceServiceRequest req = request(
                span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").build(),
                span("00000000000000000000000000000000", "b7ad6b7169203332").build(),
                span("0af7651916cd43dd8448eb211c80319c", "0102").build());
        HttpResponse<byte[]> r = post(PROTOBUF, null, req.toByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        ExportTraceServiceResponse viaHttp = ExportTraceServiceResponse.parseFrom(r.body());
        assertThat(viaHttp.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
        assertThat(viaHttp.getPartialSuccess().getErrorMessage())
                .isEqualTo("span \"op\" (trace 00000000000000000000000000000000): trace_id must not be all zeros (and 1 more rejected spans)");

        channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.service.grpcPort()).usePlaintext().build();
        ExportTraceServiceResponse viaGrpc = TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .export(request(span("0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203333").setEndTimeUnixNano(1).build()));
        assertThat(viaGrpc.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(viaGrpc.getPartialSuccess().getErrorMessage()).contains("is before start_time_unix_nano");

        assertThat(stored()).extracting(Span::spanId).containsExactly("b7ad6b7169203331");
        assertThat(fixture.counter("sightline_ingest_spans_rejected_total", null)).isEqualTo(3);
        assertThat(fixture.counter("sightline_ingest_spans_rejected_total", "invalid_trace_id")).isEqualTo(1);
        assertThat(fixture.counter("sightline_ingest_spans_rejected_total", "invalid_span_id")).isEqualTo(1);
        assertThat(fixture.counter("sightline_ingest_spans_rejected_total", "invalid_time")).isEqualTo(1);
    }

    @Test
    void gzipIsAcceptedAndMalformedOrOversizedBodiesGetClearAnswersAndStoreNothing() throws Exception {
        start();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(request(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").build()).toByteArray());
        }
        assertThat(post(PROTOBUF, "gzip", bytes.toByteArray()).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> garbage = post(PROTOBUF, null, new byte[] {0x0a, (byte) 0xff, 0x01});
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(com.google.rpc.Status.parseFrom(garbage.body()).getMessage()).contains("ExportTraceServiceRequest");

        HttpResponse<byte[]> badJson = post("application/json", null, "{\"resourceSpans\":[".getBytes());
        assertThat(badJson.statusCode()).isEqualTo(400);

        HttpResponse<byte[]> huge = post(PROTOBUF, "gzip", io.sightline.ingest.limit.BoundedGzipTest.gzip(new byte[(1 << 20) + 1]));
        assertThat(huge.statusCode()).isEqualTo(413);

        HttpResponse<byte[]> wrongType = post("text/plain", null, new byte[0]);
        assertThat(wrongType.statusCode()).isEqualTo(415);

        channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.service.grpcPort()).usePlaintext().build();
        StatusRuntimeException tooBig = catchThrowableOfType(StatusRuntimeException.class, () -> TraceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS).export(request(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203339")
                        .setName("x".repeat(2 << 20)).build())));
        assertThat(tooBig.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        assertThat(stored()).extracting(Span::spanId).containsExactly("b7ad6b7169203331");
    }

    @Test
    void overloadIsAnswered429OverHttpAndResourceExhaustedOverGrpc() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(IngestFixture.localConfig().withConcurrency(1, 1), entered, release);
        CompletableFuture<HttpResponse<byte[]>> first = http.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/traces"))
                .header("Content-Type", PROTOBUF).POST(HttpRequest.BodyPublishers.ofByteArray(
                        request(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").build()).toByteArray())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<byte[]> second = post(PROTOBUF, null, request(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203332").build()).toByteArray());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.service.grpcPort()).usePlaintext().build();
        StatusRuntimeException third = catchThrowableOfType(StatusRuntimeException.class, () -> TraceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS).export(request(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203333").build())));
        release.countDown();

        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(com.google.rpc.Status.parseFrom(second.body()).getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
        assertThat(third.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StatusProto.fromThrowable(third).getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(1);
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(stored()).extracting(Span::spanId).containsExactly("b7ad6b7169203331");
    }

    @Test
    void storedSpansReachTheMetricsStoreAsSpanMetricsWhenTheServiceStops() throws Exception {
        start();
        post(PROTOBUF, null, request(
                span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331").build(),
                span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203332").build()).toByteArray());
        fixture.service.close(); // the final flush
        assertThat(StoredSeries.values(fixture.storage, "__name__", "traces_spanmetrics_calls_total", "service", "cart",
                "span_name", "op", "span_kind", "SPAN_KIND_SERVER", "status_code", "STATUS_CODE_UNSET")).containsExactly(2.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "traces_spanmetrics_latency_bucket", "service", "cart",
                "span_name", "op", "span_kind", "SPAN_KIND_SERVER", "status_code", "STATUS_CODE_UNSET", "le", "0.016")).containsExactly(2.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "traces_spanmetrics_latency_bucket", "service", "cart",
                "span_name", "op", "span_kind", "SPAN_KIND_SERVER", "status_code", "STATUS_CODE_UNSET", "le", "0.008")).containsExactly(0.0);
    }

    @Test
    void aTraceSplitAcrossRequestsSegmentsAndLateArrivalsIsReadBackWhole() throws Exception {
        start();
        String trace = "0af7651916cd43dd8448eb211c80319c";
        long hourAgo = (System.currentTimeMillis() - 3_600_000L) * 1_000_000L;
        assertThat(post(PROTOBUF, null, request(span(trace, "00000000000000a1").setStartTimeUnixNano(hourAgo)
                .setEndTimeUnixNano(hourAgo + 500_000_000L).build()).toByteArray()).statusCode()).isEqualTo(200);
        traces.cutSegment();
        assertThat(post(PROTOBUF, null, request(span(trace, "00000000000000a2").setParentSpanId(ByteString.copyFrom(
                HexFormat.of().parseHex("00000000000000a1"))).build()).toByteArray()).statusCode()).isEqualTo(200);
        traces.cutSegment();
        // The child of a1 that ended first arrives last, an hour late.
        assertThat(post(PROTOBUF, null, request(span(trace, "00000000000000a3").setParentSpanId(ByteString.copyFrom(
                HexFormat.of().parseHex("00000000000000a1"))).setStartTimeUnixNano(hourAgo + 1_000)
                .setEndTimeUnixNano(hourAgo + 2_000).build()).toByteArray()).statusCode()).isEqualTo(200);

        List<Span> got = trace(trace);
        assertThat(got).extracting(Span::spanId).containsExactlyInAnyOrder("00000000000000a1", "00000000000000a2", "00000000000000a3");
        assertThat(got).filteredOn(s -> !s.isRoot()).extracting(Span::parentSpanId).containsOnly("00000000000000a1");
    }

    private static io.opentelemetry.proto.trace.v1.Span.Builder span(String traceId, String spanId) {
        long t = System.currentTimeMillis() * 1_000_000L;
        return io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
                .setName("op").setKindValue(2).setStartTimeUnixNano(t).setEndTimeUnixNano(t + 10_000_000L);
    }

    private static ExportTraceServiceRequest request(io.opentelemetry.proto.trace.v1.Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("cart"))))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
    }

    private HttpResponse<byte[]> post(String contentType, String encoding, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/traces"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
