package io.sightline.server.e2e;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability: a child JVM is killed with SIGKILL while two writers stream OTLP/HTTP requests into it; after a
 * restart on the same data dir, every sample of every acknowledged request is queryable. Also: SIGTERM
 * stops it gracefully and nothing is lost.
 */
class CrashRecoveryIT {
    private static final int SERIES_PER_WRITER = 10;
    private static final long BASE_MILLIS = (System.currentTimeMillis() / 1000 - 1800) * 1000;

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedSampleSurvivesKillDashNine() throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("child.log");
        long[] acked;
        try (ChildSightline child = ChildSightline.start(data, log)) {
            // Let the writers get well going, then kill while requests are in flight.
            acked = child.killDuringWrites(2, 400, (writer, i) -> send(child.otlpHttpPort, writer, i));
        }
        System.out.printf("acknowledged before SIGKILL: writer 0 %d requests, writer 1 %d requests%n", acked[0], acked[1]);
        assertThat(acked[0] + acked[1]).as("requests acknowledged before the kill").isGreaterThan(50);
        // ~200 samples per series by then: each series sealed a chunk of 120, which went to the head chunk files; the
        // restart must not trust them (they are a cache of the WAL) and must answer from the WAL alone.
        assertThat(headChunkFileBytes(data)).as("head chunk files left by the killed server").isPositive();
        Files.writeString(log, "\n--- restart ---\n", java.nio.file.StandardOpenOption.APPEND);
        try (ChildSightline child = ChildSightline.start(data, log)) {
            ApiClient api = new ApiClient(child.httpPort);
            for (int w = 0; w < 2; w++) {
                long last = acked[w] - 1; // index of the last acknowledged request of this writer
                double t = (BASE_MILLIS + last * 1000) / 1000.0;
                for (int s = 0; s < SERIES_PER_WRITER; s++) {
                    String sel = "crash_probe{writer=\"" + w + "\",series=\"" + s + "\"}";
                    assertThat(api.single("count_over_time(" + sel + "[2h])", t))
                            .as("samples of %s up to request %d (log %s)", sel, last, log).isEqualTo(acked[w]);
                    assertThat(api.single(sel, t)).as("last acknowledged value of %s", sel).isEqualTo(last);
                }
            }
            child.terminate();
        }
    }

    @Test
    void sigtermStopsGracefullyAndKeepsEverything() throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("child.log");
        try (ChildSightline child = ChildSightline.start(data, log)) {
            for (int i = 0; i < 20; i++) {
                assertThat(send(child.otlpHttpPort, 0, i)).isTrue();
            }
            int code = child.terminate();
            assertThat(code).as("exit code after SIGTERM").isIn(0, 143);
        }
        assertThat(Files.readString(log)).contains("Sightline stopped");
        try (ChildSightline child = ChildSightline.start(data, log)) {
            ApiClient api = new ApiClient(child.httpPort);
            double t = (BASE_MILLIS + 19 * 1000) / 1000.0;
            assertThat(api.single("count_over_time(crash_probe{writer=\"0\",series=\"3\"}[1h])", t)).isEqualTo(20);
            child.terminate();
        }
    }

    /** Bytes in the files of every {@code chunks_head} directory under {@code data}. */
    private static long headChunkFileBytes(Path data) throws IOException {
        try (var paths = Files.walk(data)) {
            return paths.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("chunks_head"))
                    .mapToLong(p -> {
                        try {
                            return Files.isRegularFile(p) ? Files.size(p) : 0;
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).sum();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One OTLP/HTTP protobuf request: a gauge sample per series at BASE + i s, value i. True when acknowledged in full. */
    private static boolean send(int port, int writer, long i) throws IOException {
        Metric.Builder metric = Metric.newBuilder().setName("crash_probe");
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int s = 0; s < SERIES_PER_WRITER; s++) {
            gauge.addDataPoints(NumberDataPoint.newBuilder()
                    .setTimeUnixNano((BASE_MILLIS + i * 1000) * 1_000_000L)
                    .setAsDouble(i)
                    .addAttributes(kv("writer", Integer.toString(writer)))
                    .addAttributes(kv("series", Integer.toString(s))));
        }
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "crash")))
                        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric.setGauge(gauge))))
                .build();
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/metrics"))
                    .header("Content-Type", "application/x-protobuf")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(req.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return false;
            }
            ExportMetricsServiceResponse resp = ExportMetricsServiceResponse.parseFrom(r.body());
            return resp.getPartialSuccess().getRejectedDataPoints() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
