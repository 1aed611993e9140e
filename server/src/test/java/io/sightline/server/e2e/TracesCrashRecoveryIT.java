package io.sightline.server.e2e;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Traces survive a kill -9 and span metrics stay exact: a child JVM is killed while two writers stream OTLP/HTTP
 * trace requests into it (span metrics flushing every 300 ms meanwhile); after a restart every span of every
 * acknowledged request is in the trace store, and {@code sum(traces_spanmetrics_calls_total)} equals the number of
 * spans stored: none missing from the counts, none counted twice.
 */
class TracesCrashRecoveryIT {
    private static final int SPANS_PER_REQUEST = 5;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void acknowledgedSpansSurviveKillDashNineAndSpanMetricsEqualTheStoredSpans() throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("child.log");
        Path config = tmp.resolve("sightline.yml");
        Files.writeString(config, "traces:\n  span_metrics:\n    flush_interval: 300ms\n");
        long[] acked;
        try (ChildSightline child = ChildSightline.start(data, log, "--config", config.toString())) {
            // Let several flushes happen with requests in flight, then kill mid-stream.
            acked = child.killDuringWrites(2, 600, (writer, i) -> send(child.otlpHttpPort, writer, i));
        }
        System.out.printf("acknowledged trace requests before SIGKILL: writer 0 %d, writer 1 %d%n", acked[0], acked[1]);
        assertThat(acked[0] + acked[1]).as("requests acknowledged before the kill").isGreaterThan(50);

        Files.writeString(log, "\n--- restart ---\n", StandardOpenOption.APPEND);
        double counted;
        try (ChildSightline child = ChildSightline.start(data, log, "--config", config.toString())) {
            ApiClient api = new ApiClient(child.httpPort);
            double restarted = System.currentTimeMillis() / 1000.0;
            // Wait for the first flush after the restart: restored counters plus the recount of the commits after
            // the last watermark. No new spans come, so that flush holds the final counts.
            TracesEndToEndIT.awaitTrue(api, "timestamp(sightline_spanmetrics_watermark) > " + restarted);
            double now = System.currentTimeMillis() / 1000.0;
            counted = api.single("sum(traces_spanmetrics_calls_total)", now);
            assertThat(api.single("sum(traces_spanmetrics_latency_count)", now)).isEqualTo(counted);
            assertThat(child.terminate()).isIn(0, 143);
        }

        try (TraceStore store = TraceStore.open(TraceStoreConfig.defaults(data.resolve("traces")), SdkMeterProvider.builder().build().get("t"));
             TraceQuerier q = store.querier(0, Long.MAX_VALUE)) {
            for (int w = 0; w < 2; w++) {
                for (long i = 0; i < acked[w]; i++) {
                    assertThat(q.trace(traceId(w, i))).as("spans of acknowledged request %d of writer %d (log %s)", i, w, log)
                            .hasSize(SPANS_PER_REQUEST);
                }
            }
            long[] stored = new long[1];
            q.select(List.of(), s -> {
                stored[0]++;
                return true;
            });
            System.out.printf("spans stored %d, counted by span metrics %.0f%n", stored[0], counted);
            assertThat(stored[0]).as("stored spans").isGreaterThanOrEqualTo((acked[0] + acked[1]) * SPANS_PER_REQUEST);
            assertThat(counted).as("span metrics calls = stored spans (none missing, none twice)").isEqualTo(stored[0]);
        }
    }

    /** 32 hex: the writer and request number, so the test knows every acknowledged trace id. */
    static String traceId(int writer, long i) {
        return "%016x%016x".formatted(0x5100000000000000L | writer, i + 1);
    }

    /** One request: one trace, a root server span and four children. True when acknowledged in full. */
    private static boolean send(int port, int writer, long i) throws IOException {
        ByteString trace = ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x5100000000000000L | writer).putLong(i + 1).array());
        long t = System.currentTimeMillis() * 1_000_000L;
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (int s = 0; s < SPANS_PER_REQUEST; s++) {
            io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder().setTraceId(trace)
                    .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putInt(writer + 1).putInt(s + 1).array()))
                    .setName(s == 0 ? "GET /order" : "step " + s).setKindValue(s == 0 ? 2 : 1)
                    .setStartTimeUnixNano(t).setEndTimeUnixNano(t + (s + 1) * 1_000_000L);
            if (s > 0) {
                b.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putInt(writer + 1).putInt(1).array()));
            }
            scope.addSpans(b);
        }
        ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("crash-" + writer))))
                .addScopeSpans(scope)).build();
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
                    .header("Content-Type", "application/x-protobuf").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(req.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 && ExportTraceServiceResponse.parseFrom(r.body()).getPartialSuccess().getRejectedSpans() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
