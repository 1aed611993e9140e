package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.sightline.server.Sightline;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Traces end to end: two services instrumented with the real OpenTelemetry Java SDK export over OTLP/gRPC or
 * OTLP/HTTP (protobuf); every trace is stored with correct parent links (read back from the trace store after
 * a graceful stop), and the span metrics and service graph series answer PromQL with exact counts.
 */
class TracesEndToEndIT {
    private static final int REQUESTS = 10;
    private static final int FAILED = 3;

    @TempDir
    Path dataDir;
    private Sightline sightline;

    @AfterEach
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grpc", "http/protobuf"})
    void sdkTracesAreStoredWithParentLinksAndSpanMetricsAnswerPromqlExactly(String protocol) throws Exception {
        sightline = TestServer.start(dataDir, "traces.span_metrics.flush_interval", "500ms");
        ApiClient api = new ApiClient(sightline.httpPort());
        List<String[]> sent = sendScenario(protocol);

        // 10 frontend server spans + 10 frontend client spans + 10 payments server spans, once flushed.
        double now = awaitValue(api, "sum(traces_spanmetrics_calls_total)", 3 * REQUESTS);
        String fe = "{service=\"frontend\",span_name=\"GET /checkout\",span_kind=\"SPAN_KIND_SERVER\",status_code=\"STATUS_CODE_UNSET\"}";
        assertThat(api.single("traces_spanmetrics_calls_total" + fe, now)).isEqualTo(REQUESTS);
        assertThat(api.single("traces_spanmetrics_latency_count" + fe, now)).isEqualTo(REQUESTS);
        assertThat(api.single("traces_spanmetrics_latency_sum" + fe, now)).isCloseTo(REQUESTS * 0.4, within(1e-9));
        // Every frontend request took 400 ms: in (0.256, 0.512], so the median interpolates to the middle of it.
        assertThat(api.single("histogram_quantile(0.5, traces_spanmetrics_latency_bucket" + fe + ")", now))
                .isCloseTo(0.384, within(1e-9));
        assertThat(api.single("sum(traces_spanmetrics_calls_total{service=\"payments\",status_code=\"STATUS_CODE_ERROR\"})", now))
                .isEqualTo(FAILED);
        assertThat(api.single("sum(traces_spanmetrics_calls_total{service=\"payments\",status_code=\"STATUS_CODE_OK\"})", now))
                .isEqualTo(REQUESTS - FAILED);
        assertThat(api.single("traces_spanmetrics_calls_total{service=\"frontend\",span_kind=\"SPAN_KIND_CLIENT\"}", now))
                .isEqualTo(REQUESTS);
        String edge = "{client=\"frontend\",server=\"payments\"}";
        assertThat(api.single("traces_service_graph_request_total" + edge, now)).isEqualTo(REQUESTS);
        assertThat(api.single("traces_service_graph_request_failed_total" + edge, now)).isEqualTo(FAILED);
        assertThat(api.single("traces_service_graph_request_server_seconds_count" + edge, now)).isEqualTo(REQUESTS);
        assertThat(api.single("traces_service_graph_request_server_seconds_bucket{client=\"frontend\",server=\"payments\",le=\"0.2\"}", now))
                .isEqualTo(REQUESTS);

        // The Tempo API serves each trace by id with every span and its parent link, and TraceQL finds the error ones.
        for (String[] ids : sent) {
            ApiClient.Reply r = api.get("/api/traces/" + ids[0]);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            Map<String, String> parentOf = new TreeMap<>();
            for (JsonNode batch : r.json().path("batches")) {
                String service = "";
                for (JsonNode a : batch.path("resource").path("attributes")) {
                    if (a.path("key").asText().equals("service.name")) {
                        service = a.path("value").path("stringValue").asText();
                    }
                }
                for (JsonNode scope : batch.path("scopeSpans")) {
                    for (JsonNode sp : scope.path("spans")) {
                        parentOf.put(service + " " + sp.path("name").asText() + " " + sp.path("spanId").asText(),
                                sp.path("parentSpanId").asText(""));
                    }
                }
            }
            assertThat(parentOf).hasSize(3).containsEntry("frontend GET /checkout " + ids[1], "");
        }
        long fromSeconds = System.currentTimeMillis() / 1000 - 3600;
        JsonNode found = api.get("/api/search", "q", "{ resource.service.name = \"payments\" && status = error }",
                "start", Long.toString(fromSeconds), "end", Long.toString(fromSeconds + 7200), "limit", "100").json();
        assertThat(found.path("traces")).hasSize(FAILED);
        List<String> errorTraces = new ArrayList<>();
        found.path("traces").forEach(t -> errorTraces.add(t.path("traceID").asText()));
        assertThat(errorTraces).containsExactlyInAnyOrderElementsOf(sent.subList(0, FAILED).stream().map(ids -> ids[0]).toList());

        sightline.close();
        sightline = null;
        try (TraceStore store = TraceStore.open(TraceStoreConfig.defaults(dataDir.resolve("traces")), SdkMeterProvider.builder().build().get("t"));
             TraceQuerier q = store.querier(0, Long.MAX_VALUE)) {
            for (String[] ids : sent) {
                List<Span> trace = q.trace(ids[0]);
                Map<String, Span> byName = new TreeMap<>();
                trace.forEach(s -> byName.put(s.service() + " " + s.name(), s));
                assertThat(byName).containsOnlyKeys("frontend GET /checkout", "frontend POST /pay", "payments POST /pay");
                Span root = byName.get("frontend GET /checkout");
                Span call = byName.get("frontend POST /pay");
                Span server = byName.get("payments POST /pay");
                assertThat(root.isRoot()).isTrue();
                assertThat(root.spanId()).isEqualTo(ids[1]);
                assertThat(call.parentSpanId()).isEqualTo(root.spanId());
                assertThat(server.parentSpanId()).isEqualTo(call.spanId());
                assertThat(server.kind()).isEqualTo(Span.KIND_SERVER);
                assertThat(call.kind()).isEqualTo(Span.KIND_CLIENT);
            }
        }
    }

    /** Sends {@value REQUESTS} traces frontend -> payments; returns {trace id, root span id} of each. */
    private List<String[]> sendScenario(String protocol) {
        long t0 = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
        List<String[]> sent = new ArrayList<>();
        try (SdkTracerProvider frontend = provider("frontend", protocol); SdkTracerProvider payments = provider("payments", protocol)) {
            Tracer fe = frontend.get("shop");
            Tracer pay = payments.get("pay");
            for (int i = 0; i < REQUESTS; i++) {
                long start = t0 + i * 1_000_000_000L;
                io.opentelemetry.api.trace.Span root = fe.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER)
                        .setStartTimestamp(start, TimeUnit.NANOSECONDS).startSpan();
                io.opentelemetry.api.trace.Span call = fe.spanBuilder("POST /pay").setSpanKind(SpanKind.CLIENT)
                        .setParent(Context.root().with(root)).setStartTimestamp(start + 50_000_000L, TimeUnit.NANOSECONDS).startSpan();
                io.opentelemetry.api.trace.Span server = pay.spanBuilder("POST /pay").setSpanKind(SpanKind.SERVER)
                        .setParent(Context.root().with(call)).setStartTimestamp(start + 60_000_000L, TimeUnit.NANOSECONDS).startSpan();
                server.setStatus(i < FAILED ? StatusCode.ERROR : StatusCode.OK);
                server.end(start + 210_000_000L, TimeUnit.NANOSECONDS);
                call.end(start + 350_000_000L, TimeUnit.NANOSECONDS);
                root.end(start + 400_000_000L, TimeUnit.NANOSECONDS);
                sent.add(new String[]{root.getSpanContext().getTraceId(), root.getSpanContext().getSpanId()});
            }
            assertThat(frontend.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            assertThat(payments.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        return sent;
    }

    private SdkTracerProvider provider(String service, String protocol) {
        SpanExporter exporter = protocol.equals("grpc")
                ? OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + sightline.otlpGrpcPort()).build()
                : OtlpHttpSpanExporter.builder().setEndpoint("http://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/traces").build();
        return SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), service)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofHours(1)).build())
                .build();
    }

    /** Polls (with backoff) until the comparison {@code expr} returns a series. */
    static void awaitTrue(ApiClient api, String expr) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long backoff = 50;
        while (System.nanoTime() < deadline) {
            if (!api.instant(expr, System.currentTimeMillis() / 1000.0).isEmpty()) {
                return;
            }
            Thread.sleep(backoff);
            backoff = Math.min(1_000, backoff * 2);
        }
        throw new AssertionError(expr + " returned nothing for 60 s");
    }

    /**
     * Polls (with backoff) until {@code expr} answers {@code want}; returns the evaluation time in Unix seconds.
     * Span metrics reach the TSDB at the next flush, so the value appears after a short while.
     */
    static double awaitValue(ApiClient api, String expr, double want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long backoff = 50;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            double now = System.currentTimeMillis() / 1000.0;
            last = api.instant(expr, now);
            if (last.size() == 1 && Double.parseDouble(last.get(0).path("value").get(1).asText()) == want) {
                return now;
            }
            Thread.sleep(backoff);
            backoff = Math.min(1_000, backoff * 2);
        }
        throw new AssertionError(expr + " did not reach " + want + " within 60 s; last answer " + last);
    }
}
