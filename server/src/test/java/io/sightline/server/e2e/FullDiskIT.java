package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A real full disk: the data dir on a 64 MiB tmpfs mounted for the test (it needs root; skipped where mounting is
 * not allowed), filled up by a file. Every ingest path is refused with 503 or UNAVAILABLE naming the disk while
 * queries go on answering; a server killed and started again on the full disk comes up and answers too; once the
 * file is removed every path takes writes again without a restart, and nothing stored before is lost.
 */
class FullDiskIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Remote-write samples five minutes back, whole seconds. */
    private static final long T = (System.currentTimeMillis() / 1000 - 300) * 1000;
    private static final String EARLY_TRACE = "f0110000000000000000000000000001";
    private static final String LATE_TRACE = "f0110000000000000000000000000002";

    @TempDir
    Path tmp;
    private Path disk;
    private boolean isMounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        isMounted = run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", disk.toString()) == 0;
        Assumptions.assumeTrue(isMounted, "mounting a tmpfs needs root (CAP_SYS_ADMIN)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (isMounted) {
            run("umount", "-l", disk.toString());
        }
    }

    @Test
    void writesAreRefusedWhileTheDiskIsFullAndTakenAgainOnceSpaceReturnsWithNothingLost() throws Exception {
        Path data = disk.resolve("data");
        Path log = tmp.resolve("child.log");
        Path filler = disk.resolve("filler");
        try (ChildSightline child = ChildSightline.start(data, log)) {
            assertThat(remoteWrite(child, "fd_early", 100).statusCode()).isEqualTo(204);
            assertThat(logs(child, "early", 5, 100).statusCode()).isEqualTo(200);
            assertThat(traces(child, EARLY_TRACE, 100).statusCode()).isEqualTo(200);

            fill(filler);
            assertRefused(child);
            assertEarlyDataAnswered(child);
            child.kill(); // no shutdown: the next start finds what a crash leaves, on a disk that is still full
        }
        Files.writeString(log, "\n--- restart on the full disk ---\n", java.nio.file.StandardOpenOption.APPEND);
        try (ChildSightline child = ChildSightline.start(data, log)) {
            assertEarlyDataAnswered(child);
            assertRefused(child);

            Files.delete(filler);
            assertThat(remoteWrite(child, "fd_late", 3_000).statusCode()).isEqualTo(204);
            assertThat(logs(child, "late", 20, 8_000).statusCode()).isEqualTo(200);
            assertThat(traces(child, LATE_TRACE, 100_000).statusCode()).isEqualTo(200);
            exportGauges(child, "fd_grpc", 2_000); // throws on a refusal
            assertAllAnswered(child);
            assertThat(child.terminate()).isIn(0, 143);
        }
        try (ChildSightline child = ChildSightline.start(data, log)) {
            assertAllAnswered(child);
        }
    }

    /** Each ingest path, with requests too large to fit into the files' last pages, answered with the disk's error. */
    private static void assertRefused(ChildSightline child) throws Exception {
        HttpResponse<String> rw = remoteWrite(child, "fd_late", 3_000);
        assertThat(rw.statusCode()).as(rw.body()).isEqualTo(503);
        assertThat(rw.body()).contains("No space left on device");
        assertThat(rw.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> logs = logs(child, "late", 20, 8_000);
        assertThat(logs.statusCode()).as(logs.body()).isEqualTo(503);
        assertThat(logs.body()).contains("No space left on device");
        HttpResponse<String> traces = traces(child, LATE_TRACE, 100_000);
        assertThat(traces.statusCode()).as(traces.body()).isEqualTo(503);
        assertThat(traces.body()).contains("No space left on device");
        StatusRuntimeException grpc = catchThrowableOfType(StatusRuntimeException.class,
                () -> exportGauges(child, "fd_grpc", 2_000));
        assertThat(grpc).as("OTLP/gRPC export on a full disk").isNotNull();
        assertThat(grpc.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
        assertThat(grpc.getStatus().getDescription()).contains("No space left on device");
    }

    private static void assertEarlyDataAnswered(ChildSightline child) {
        ApiClient api = new ApiClient(child.httpPort);
        double at = T / 1000.0;
        assertThat(api.single("count({__name__=~\"fd_early_.*\"})", at)).isEqualTo(100);
        assertThat(api.single("sum({__name__=~\"fd_early_.*\"})", at)).isEqualTo(99 * 100 / 2.0);
        assertThat(logLines(api, "early")).isEqualTo(5);
        assertThat(api.get("/api/traces/" + EARLY_TRACE).status()).isEqualTo(200);
    }

    private static void assertAllAnswered(ChildSightline child) {
        assertEarlyDataAnswered(child);
        ApiClient api = new ApiClient(child.httpPort);
        double at = T / 1000.0;
        assertThat(api.single("count({__name__=~\"fd_late_.*\"})", at)).isEqualTo(3_000);
        assertThat(api.single("count({__name__=~\"fd_grpc_.*\"})", System.currentTimeMillis() / 1000.0)).isEqualTo(2_000);
        assertThat(logLines(api, "late")).isEqualTo(20);
        assertThat(api.get("/api/traces/" + LATE_TRACE).status()).isEqualTo(200);
    }

    /** Writes zeros until the disk refuses more, to the last page. */
    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int size : new int[]{1 << 20, 4096}) {
                try {
                    while (true) {
                        out.write(chunk, 0, size);
                        out.flush();
                    }
                } catch (IOException e) {
                    assertThat(e.getMessage()).contains("No space left on device");
                }
            }
        } catch (IOException e) {
            // closing flushes nothing more: the stream wrote through at every flush
        }
        assertThat(Files.getFileStore(filler).getUsableSpace()).isLessThan(4096);
    }

    private static double logLines(ApiClient api, String phase) {
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        ApiClient.Reply r = api.get("/loki/api/v1/query_range", "query", "{service_name=\"fd-" + phase + "\"}",
                "start", Long.toString(nowNanos - 3_600_000_000_000L), "end", Long.toString(nowNanos + 60_000_000_000L),
                "limit", "1000");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        int lines = 0;
        for (JsonNode stream : r.json().path("data").path("result")) {
            lines += stream.path("values").size();
        }
        return lines;
    }

    /** One remote-write request of {@code series} new series {@code prefix_i}, each one sample of value i at T. */
    private static HttpResponse<String> remoteWrite(ChildSightline child, String prefix, int series) throws Exception {
        java.util.List<byte[]> all = new java.util.ArrayList<>();
        for (int i = 0; i < series; i++) {
            all.add(RemoteWriteBodies.series(T, i, "__name__", prefix + "_" + i, "job", "full-disk"));
        }
        return RemoteWriteBodies.post(HTTP, child.httpPort, all);
    }

    /** One OTLP/HTTP logs request of {@code records} lines of {@code bodyBytes} each, of service fd-{@code phase}. */
    private static HttpResponse<String> logs(ChildSightline child, String phase, int records, int bodyBytes) throws Exception {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        long t = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < records; i++) {
            scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t + i)
                    .setBody(AnyValue.newBuilder().setStringValue(i + " " + "x".repeat(bodyBytes))));
        }
        ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "fd-" + phase)))
                .addScopeLogs(scope)).build();
        return otlpHttp(child, "/v1/logs", req.toByteArray());
    }

    /** One OTLP/HTTP traces request: a single server span of trace {@code traceIdHex} with an attribute of {@code bytes}. */
    private static HttpResponse<String> traces(ChildSightline child, String traceIdHex, int bytes) throws Exception {
        long t = System.currentTimeMillis() * 1_000_000L;
        Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceIdHex)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("00000000000000f1"))).setName("GET /disk").setKindValue(2)
                .setStartTimeUnixNano(t).setEndTimeUnixNano(t + 1_000_000L).addAttributes(attribute("payload", "y".repeat(bytes)))
                .build();
        ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "fd")))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
        return otlpHttp(child, "/v1/traces", req.toByteArray());
    }

    private static HttpResponse<String> otlpHttp(ChildSightline child, String path, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.otlpHttpPort + path))
                .header("Content-Type", "application/x-protobuf").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One OTLP/gRPC export of {@code count} gauges {@code prefix_i}; throws the call's status when refused. */
    private static void exportGauges(ChildSightline child, String prefix, int count) throws InterruptedException {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        long t = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < count; i++) {
            scope.addMetrics(Metric.newBuilder().setName(prefix + "_" + i).setGauge(Gauge.newBuilder()
                    .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsDouble(i))));
        }
        ExportMetricsServiceRequest req = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "fd"))).addScopeMetrics(scope)).build();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", child.otlpGrpcPort).usePlaintext().build();
        try {
            MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).export(req);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    /** The command's exit code; -1 when it cannot run (no such program) or takes longer than 30 s. */
    private static int run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
