package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.sightline.server.Sightline;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logs end to end: the real OpenTelemetry Java SDK exports log records over OTLP/gRPC and OTLP/HTTP into a
 * running Sightline; they come back through the Loki API with filters, parsers and an exact metric count, as
 * Grafana's Loki data source asks for them. A SIGKILLed child keeps every acknowledged record.
 */
class LogsEndToEndIT {
    @TempDir
    Path tmp;

    /** Sends {@code count} records per service through the SDK; every 4th checkout line is a payment failure. */
    private static void emit(java.util.function.Supplier<LogRecordExporter> exporters, int count) {
        for (String service : List.of("checkout", "cart")) {
            // Closing a provider shuts its exporter down, so each service gets its own.
            LogRecordExporter exporter = exporters.get();
            try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                    .setResource(io.opentelemetry.sdk.resources.Resource.create(Attributes.builder()
                            .put("service.name", service).put("deployment.environment", "e2e").put("host.name", "node-1").build()))
                    .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter).setScheduleDelay(Duration.ofHours(1))
                            .setMaxExportBatchSize(100).build())
                    .build()) {
                Logger logger = provider.get("e2e");
                for (int i = 0; i < count; i++) {
                    boolean failed = service.equals("checkout") && i % 4 == 0;
                    logger.logRecordBuilder()
                            .setSeverity(failed ? Severity.ERROR : Severity.INFO)
                            .setSeverityText(failed ? "ERROR" : "INFO")
                            .setBody(failed ? "{\"msg\":\"payment failed\",\"amount\":" + (i * 10) + ",\"order\":\"o-" + i + "\"}"
                                    : "{\"msg\":\"request served\",\"amount\":" + i + ",\"order\":\"o-" + i + "\"}")
                            .setAttribute(AttributeKey.stringKey("http.route"), "/pay")
                            .emit();
                }
                assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).as("SDK flush").isTrue();
            }
        }
    }

    private static int entries(JsonNode queryReply) {
        int n = 0;
        for (JsonNode s : queryReply.path("data").path("result")) {
            n += s.path("values").size();
        }
        return n;
    }

    @Test
    void sdkLogsOverGrpcAndHttpComeBackThroughTheLokiApiWithFiltersParsersAndExactCounts() throws Exception {
        try (Sightline server = TestServer.start(tmp.resolve("data"))) {
            emit(() -> OtlpGrpcLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + server.otlpGrpcPort()).build(), 40);
            emit(() -> OtlpHttpLogRecordExporter.builder().setEndpoint("http://127.0.0.1:" + server.otlpHttpPort() + "/v1/logs").build(), 40);
            ApiClient api = new ApiClient(server.httpPort());
            long nowNs = System.currentTimeMillis() * 1_000_000L;
            String start = Long.toString(nowNs - 3_600_000_000_000L);
            String end = Long.toString(nowNs + 60_000_000_000L);

            // Grafana's 'Save & test' and label browser.
            ApiClient.Reply labels = api.get("/loki/api/v1/labels", "start", start, "end", end);
            assertThat(labels.status()).isEqualTo(200);
            assertThat(labels.json().path("data").toString()).contains("service_name", "deployment_environment", "host_name");
            ApiClient.Reply values = api.get("/loki/api/v1/label/service_name/values", "start", start, "end", end);
            assertThat(values.json().path("data").toString()).isEqualTo("[\"cart\",\"checkout\"]");
            ApiClient.Reply series = api.get("/loki/api/v1/series", "match[]", "{service_name=\"cart\"}", "start", start, "end", end);
            assertThat(series.json().path("data")).hasSize(1);

            // Explore: a line filter, newest first, with a limit; RFC3339 times.
            ApiClient.Reply failures = api.get("/loki/api/v1/query_range", "query", "{service_name=\"checkout\"} |= \"payment failed\"",
                    "start", Instant.ofEpochSecond(nowNs / 1_000_000_000L - 3600).toString(),
                    "end", Instant.ofEpochSecond(nowNs / 1_000_000_000L + 60).toString(), "limit", "1000", "direction", "backward");
            assertThat(failures.status()).as(failures.body()).isEqualTo(200);
            assertThat(failures.json().path("data").path("resultType").asText()).isEqualTo("streams");
            assertThat(entries(failures.json())).isEqualTo(20);
            assertThat(failures.json().path("data").path("result").get(0).path("stream").path("detected_level").asText()).isEqualTo("error");
            ApiClient.Reply limited = api.get("/loki/api/v1/query_range", "query", "{service_name=\"cart\"}", "start", start, "end", end,
                    "limit", "7");
            assertThat(entries(limited.json())).isEqualTo(7);

            // A parser and a numeric label filter, then line_format.
            ApiClient.Reply parsed = api.get("/loki/api/v1/query_range", "query",
                    "{service_name=\"checkout\"} | json | msg=\"payment failed\" and amount >= 200 | line_format \"{{.order}}\"",
                    "start", start, "end", end, "limit", "1000", "direction", "forward");
            List<String> lines = new ArrayList<>();
            parsed.json().path("data").path("result").forEach(s -> s.path("values").forEach(v -> lines.add(v.get(1).asText())));
            assertThat(lines).containsExactlyInAnyOrder("o-20", "o-24", "o-28", "o-32", "o-36", "o-20", "o-24", "o-28", "o-32", "o-36");

            // A metric query whose count is exact, as an alert rule would use it.
            ApiClient.Reply count = api.get("/loki/api/v1/query", "query",
                    "sum by (service_name) (count_over_time({deployment_environment=\"e2e\"} | detected_level=\"error\" [2h]))",
                    "time", end);
            assertThat(count.status()).as(count.body()).isEqualTo(200);
            JsonNode result = count.json().path("data").path("result");
            assertThat(count.json().path("data").path("resultType").asText()).isEqualTo("vector");
            assertThat(result).hasSize(1);
            assertThat(result.get(0).path("metric").path("service_name").asText()).isEqualTo("checkout");
            assertThat(result.get(0).path("value").get(1).asText()).isEqualTo("20");

            // The logs volume histogram Grafana draws: a range metric query by level.
            ApiClient.Reply volume = api.get("/loki/api/v1/query_range", "query",
                    "sum by (detected_level) (count_over_time({service_name=~\"checkout|cart\"}[1h]))",
                    "start", start, "end", end, "step", "60");
            assertThat(volume.status()).as(volume.body()).isEqualTo(200);
            assertThat(volume.json().path("data").path("resultType").asText()).isEqualTo("matrix");
            assertThat(volume.json().path("data").path("result")).hasSize(2);

            // Bad queries answer 400 with a message naming the problem.
            ApiClient.Reply bad = api.get("/loki/api/v1/query_range", "query", "{service_name=\"checkout\"", "start", start, "end", end);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("parse error");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One OTLP/HTTP logs request of 10 lines "probe <i> <k>"; true when acknowledged in full. */
    private static boolean send(int port, long i) throws IOException {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        long t = System.currentTimeMillis() * 1_000_000L;
        for (int k = 0; k < 10; k++) {
            scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t + k)
                    .setBody(AnyValue.newBuilder().setStringValue("probe " + i + " " + k)));
        }
        ExportLogsServiceRequest req = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("crash"))))
                .addScopeLogs(scope)).build();
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                    .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(req.toByteArray()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 && !ExportLogsServiceResponse.parseFrom(r.body()).hasPartialSuccess();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void everyAcknowledgedLogRecordSurvivesKillDashNine() throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("child.log");
        long[] acked = {0};
        long started = System.currentTimeMillis();
        try (ChildSightline child = ChildSightline.start(data, log)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get() && send(child.otlpHttpPort, acked[0])) {
                        acked[0]++;
                    }
                } catch (IOException e) {
                    // the server died mid-request: that request was not acknowledged
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked[0] < 200 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            child.kill();
            stop.set(true);
            writer.join(30_000);
        }
        assertThat(acked[0]).as("requests acknowledged before the kill").isGreaterThan(50);
        Files.writeString(log, "\n--- restart ---\n", java.nio.file.StandardOpenOption.APPEND);
        try (ChildSightline child = ChildSightline.start(data, log)) {
            ApiClient api = new ApiClient(child.httpPort);
            String end = Long.toString((System.currentTimeMillis() + 60_000) * 1_000_000L);
            ApiClient.Reply r = api.get("/loki/api/v1/query", "query", "sum(count_over_time({service_name=\"crash\"}[1h]))", "time", end);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            double stored = Double.parseDouble(r.json().path("data").path("result").get(0).path("value").get(1).asText());
            // Every acknowledged request is there; the one in flight at the kill may be there too.
            assertThat((long) stored).as("records after restart (log %s)", log).isBetween(acked[0] * 10, acked[0] * 10 + 10);
            ApiClient.Reply last = api.get("/loki/api/v1/query_range", "query",
                    "{service_name=\"crash\"} |= \"probe " + (acked[0] - 1) + " 9\"", "start", Long.toString(started * 1_000_000L),
                    "end", end, "limit", "10");
            assertThat(entries(last.json())).as("the last acknowledged line").isEqualTo(1);
            child.terminate();
        }
    }
}
