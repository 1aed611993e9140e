package io.sightline.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** OTLP logs over gRPC and HTTP into a running IngestService backed by the real log store. */
class LogsIngestTest {
    @TempDir
    Path dataDir;
    private LogStore logs;
    private IngestFixture fixture;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        logs = LogStore.open(new LogStoreConfig(dataDir.resolve("logs"), 3_600_000, 64 << 20, 3_600_000L * 24 * 365 * 100,
                WalSyncMode.NEVER, 1_000), SdkMeterProvider.builder().build().get("t"));
        fixture = new IngestFixture(dataDir.resolve("metrics"), IngestFixture.localConfig().withLimits(1 << 20, 64, 256, 4096),
                null, logs, new LogsIngestConfig(LogsIngestConfig.DEFAULT_STREAM_LABELS, 1024));
    }

    @AfterEach
    void stop() {
        fixture.close();
        logs.close();
    }

    private List<io.sightline.storage.model.LogRecord> stored(Matcher... matchers) {
        List<io.sightline.storage.model.LogRecord> out = new ArrayList<>();
        try (LogQuerier q = logs.querier(0, Long.MAX_VALUE)) {
            q.select(List.of(matchers), List.of(), true, out::add);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grpc", "http/protobuf"})
    void sdkLogRecordsAreStoredInTheirStreamWithSeverityIdsAndMetadata(String protocol) {
        LogRecordExporter exporter = protocol.equals("grpc")
                ? OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + fixture.service.grpcPort()).build()
                : OtlpHttpLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/logs").build();
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.builder()
                        .put("service.name", "checkout").put("deployment.environment", "prod").put("service.version", "1.2").build()))
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).setScheduleDelay(java.time.Duration.ofHours(1)).build()).build()) {
            Logger logger = provider.get("test");
            for (int i = 0; i < 25; i++) {
                logger.logRecordBuilder().setSeverity(i % 5 == 0 ? Severity.ERROR : Severity.INFO).setSeverityText(i % 5 == 0 ? "ERROR" : "INFO")
                        .setBody("order " + i + (i % 5 == 0 ? " payment failed" : " placed"))
                        .setAttribute(AttributeKey.stringKey("http.route"), "/cart").emit();
            }
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        List<io.sightline.storage.model.LogRecord> got = stored(Matcher.eq("service_name", "checkout"));
        assertThat(got).hasSize(25);
        assertThat(got.getFirst().stream()).isEqualTo(Labels.of("deployment_environment", "prod", "service_name", "checkout"));
        assertThat(got.stream().filter(r -> r.severityNumber() == Severity.ERROR.getSeverityNumber()).map(r -> r.body()))
                .hasSize(5).allMatch(b -> b.endsWith("payment failed"));
        assertThat(got.getFirst().metadata().get("http_route")).isEqualTo("/cart");
        assertThat(got.getFirst().metadata().get("service_version")).isEqualTo("1.2");
    }

    private static KeyValue attr(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static ExportLogsServiceRequest request(LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", "api")).addAttributes(attr("host.name", "h1")))
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(List.of(records)))).build();
    }

    private static LogRecord line(String body) {
        return LogRecord.newBuilder().setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                .setBody(AnyValue.newBuilder().setStringValue(body)).build();
    }

    private HttpResponse<byte[]> post(String contentType, String encoding, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/logs"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void jsonWithHexIdsKeepsTheIdsAndMapBodiesBecomeJsonText() throws Exception {
        long t = System.currentTimeMillis() * 1_000_000L;
        String json = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
                 "scopeLogs":[{"logRecords":[
                  {"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"boom"},
                   "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},
                  {"timeUnixNano":"%d","body":{"kvlistValue":{"values":[{"key":"user","value":{"stringValue":"u1"}},
                   {"key":"n","value":{"intValue":"3"}}]}}}
                 ]}]}]}""".formatted(t, t + 1);
        HttpResponse<byte[]> r = post("application/json", null, json.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(200);
        List<io.sightline.storage.model.LogRecord> got = stored(Matcher.eq("service_name", "api"));
        assertThat(got).hasSize(2);
        assertThat(got.get(0).traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
        assertThat(got.get(0).spanId()).isEqualTo("eee19b7ec3c1b174");
        assertThat(got.get(0).severityText()).isEqualTo("ERROR");
        assertThat(got.get(1).body()).isEqualTo("{\"user\":\"u1\",\"n\":3}");
    }

    @Test
    void aTooLongLineIsRejectedAloneWithPartialSuccess() throws Exception {
        HttpResponse<byte[]> r = post("application/x-protobuf", null,
                request(line("short"), line("x".repeat(2_000)), line("also short")).toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).contains("2000 bytes", "logs.max_line_bytes=1024");
        assertThat(stored(Matcher.eq("service_name", "api"))).extracting(io.sightline.storage.model.LogRecord::body)
                .containsExactly("short", "also short");
        assertThat(fixture.counter("sightline_ingest_log_records_rejected_total", "line_too_long")).isEqualTo(1);
        assertThat(fixture.counter("sightline_ingest_log_records_rejected_total", null)).isEqualTo(1);
    }

    @Test
    void gzipBodiesAreAccepted() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(request(line("zipped")).toByteArray());
        }
        assertThat(post("application/x-protobuf", "gzip", bytes.toByteArray()).statusCode()).isEqualTo(200);
        assertThat(stored(Matcher.eq("host_name", "h1"))).extracting(io.sightline.storage.model.LogRecord::body).containsExactly("zipped");
    }

    @Test
    void malformedNonUtf8OversizedAndEmptyRequestsGetClearAnswersAndKeepWhatWasStored() throws Exception {
        assertThat(post("application/x-protobuf", null, request(line("kept")).toByteArray()).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> garbage = post("application/x-protobuf", null, new byte[] {0x0a, (byte) 0xff, 0x01});
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(com.google.rpc.Status.parseFrom(garbage.body()).getMessage()).contains("ExportLogsServiceRequest");

        byte[] valid = request(line("okXY")).toByteArray();
        int at = indexOf(valid, "okXY".getBytes(StandardCharsets.UTF_8));
        valid[at + 2] = (byte) 0xc3; // a lead byte followed by a non-continuation byte: not UTF-8
        valid[at + 3] = (byte) 0x28;
        HttpResponse<byte[]> nonUtf8 = post("application/x-protobuf", null, valid);
        assertThat(nonUtf8.statusCode()).isEqualTo(400);
        assertThat(com.google.rpc.Status.parseFrom(nonUtf8.body()).getMessage()).containsIgnoringCase("UTF-8");

        // Over the 1 MiB limit once decompressed. A raw 1 MiB body would race: the server answers 413 and closes
        // while the client is still writing, and the client may then see a reset instead of the answer.
        byte[] hugeGzip = io.sightline.ingest.limit.BoundedGzipTest.gzip(new byte[(1 << 20) + 1]);
        HttpResponse<byte[]> huge = post("application/x-protobuf", "gzip", hugeGzip);
        assertThat(huge.statusCode()).isEqualTo(413);

        HttpResponse<byte[]> empty = post("application/x-protobuf", null, new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(ExportLogsServiceResponse.parseFrom(empty.body()).hasPartialSuccess()).isFalse();

        HttpResponse<byte[]> badJson = post("application/json", null, "{\"resourceLogs\":[".getBytes(StandardCharsets.UTF_8));
        assertThat(badJson.statusCode()).isEqualTo(400);

        assertThat(stored(Matcher.eq("service_name", "api"))).extracting(io.sightline.storage.model.LogRecord::body).containsExactly("kept");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("needle not found");
    }

    @Test
    void aResourceWithoutStreamAttributesLandsInUnknownService() throws Exception {
        ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(line("orphan")))).build();
        assertThat(post("application/x-protobuf", null, req.toByteArray()).statusCode()).isEqualTo(200);
        assertThat(stored(Matcher.eq("service_name", "unknown_service"))).hasSize(1);
    }
}
