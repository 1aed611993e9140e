package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.sightline.server.Sightline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The alerting path a user takes: the OpenTelemetry SDK exports a gauge over OTLP/HTTP, a Prometheus rule goes
 * pending then firing, a real HTTP receiver gets Alertmanager's version 4 webhook body (and a Slack message), and
 * when the value recovers, the resolved notification. Runs in real time with short intervals; every wait polls.
 */
class AlertingEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Sightline sightline;
    private SdkMeterProvider provider;
    private final AlertReceiver receiver = new AlertReceiver();
    private final AtomicReference<Double> depth = new AtomicReference<>(50.0);
    private volatile boolean hasSecondQueue;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
        if (sightline != null) {
            sightline.close();
        }
        receiver.close();
    }

    private Path writeRules(String expr) throws Exception {
        return Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: queues
                    rules:
                      - alert: QueueBacklog
                        expr: %s
                        for: 2s
                        labels:
                          severity: page
                        annotations:
                          summary: "{{ $labels.job }} queue holds {{ $value | humanize }} items"
                """.formatted(expr));
    }

    private void start() throws Exception {
        start("[alertname, job]");
    }

    private void start(String groupBy) throws Exception {
        writeRules("queue_depth > 10");
        Path am = Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: oncall
                  group_by: %s
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: oncall
                    webhook_configs:
                      - url: %s
                    slack_configs:
                      - api_url: %s
                        channel: "#alerts"
                        send_resolved: true
                """.formatted(groupBy, receiver.url("/hook"), receiver.url("/slack")));
        sightline = TestServer.start(dir.resolve("data"),
                "rule_files", dir + "/rules*.yml",
                "global.evaluation_interval", "1s",
                "alerting.config_file", am.toString(),
                "alerting.external_url", "http://sightline.example:9090",
                "alerting.dispatch_tick", "100ms",
                "alerting.for_grace_period", "1s");
        provider = SdkMeterProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")))
                .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                        .setEndpoint("http://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/metrics").build())
                        .setInterval(Duration.ofHours(1)).build())
                .build();
        provider.get("e2e").gaugeBuilder("queue.depth").buildWithCallback(m -> {
            m.record(depth.get());
            if (hasSecondQueue) {
                m.record(depth.get(), Attributes.of(AttributeKey.stringKey("queue"), "b"));
            }
        });
    }

    private void export() {
        assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    private JsonNode alerts(ApiClient api) throws Exception {
        return JSON.readTree(api.get("/api/v1/alerts").body()).path("data").path("alerts");
    }

    @Test
    void otlpDataDrivesAnAlertThroughPendingAndFiringToAWebhookAndBackToResolved() throws Exception {
        start();
        ApiClient api = new ApiClient(sightline.httpPort());

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            export();
            JsonNode a = alerts(api);
            assertThat(a).hasSize(1);
            assertThat(a.get(0).path("state").asText()).isEqualTo("pending");
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            export();
            assertThat(receiver.at("/hook")).isNotEmpty();
        });
        assertThat(alerts(api).get(0).path("state").asText()).isEqualTo("firing");

        JsonNode body = JSON.readTree(receiver.at("/hook").getFirst().body());
        assertThat(body.path("version").asText()).isEqualTo("4");
        assertThat(body.path("status").asText()).isEqualTo("firing");
        assertThat(body.path("receiver").asText()).isEqualTo("oncall");
        assertThat(body.path("groupKey").asText()).isEqualTo("{}:{alertname=\"QueueBacklog\", job=\"checkout\"}");
        assertThat(body.path("groupLabels").path("job").asText()).isEqualTo("checkout");
        assertThat(body.path("externalURL").asText()).isEqualTo("http://sightline.example:9090");
        JsonNode alert = body.path("alerts").get(0);
        assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("QueueBacklog");
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("page");
        assertThat(alert.path("annotations").path("summary").asText()).isEqualTo("checkout queue holds 50 items");
        assertThat(alert.path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(alert.path("generatorURL").asText())
                .isEqualTo("http://sightline.example:9090/graph?g0.expr=queue_depth%20%3E%2010&g0.tab=1");
        assertThat(alert.path("fingerprint").asText()).matches("[0-9a-f]{16}");
        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.at("/slack").isEmpty());
        assertThat(receiver.at("/slack").getFirst().body()).contains("QueueBacklog").contains("#alerts");

        // Alertmanager's API v2 as Grafana's Alertmanager data source reads it, through the real HTTP server
        JsonNode amAlerts = api.get("/api/v2/alerts", "filter", "alertname=\"QueueBacklog\"", "active", "true").json();
        assertThat(amAlerts).hasSize(1);
        assertThat(amAlerts.get(0).path("fingerprint").asText()).isEqualTo(alert.path("fingerprint").asText());
        assertThat(amAlerts.get(0).path("status").path("state").asText()).isEqualTo("active");
        assertThat(amAlerts.get(0).path("receivers").get(0).path("name").asText()).isEqualTo("oncall");
        JsonNode groups = api.get("/api/v2/alerts/groups").json();
        assertThat(groups.get(0).path("labels").path("job").asText()).isEqualTo("checkout");
        assertThat(api.get("/api/v2/status").json().path("cluster").path("status").asText()).isEqualTo("disabled");
        assertThat(api.get("/api/v2/receivers").json().get(0).path("name").asText()).isEqualTo("oncall");

        depth.set(1.0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            export();
            assertThat(receiver.at("/hook")).hasSizeGreaterThanOrEqualTo(2);
        });
        JsonNode resolved = JSON.readTree(receiver.at("/hook").getLast().body());
        assertThat(resolved.path("status").asText()).isEqualTo("resolved");
        assertThat(resolved.path("notification_reason").asText()).isEqualTo("all alerts resolved");
        assertThat(resolved.path("alerts").get(0).path("endsAt").asText()).isNotEqualTo("0001-01-01T00:00:00Z");
        assertThat(receiver.at("/hook")).hasSize(2);
    }

    @Test
    void reloadWithABadRuleFileReportsThePromtoolStyleErrorAndKeepsTheOldRules() throws Exception {
        start();
        ApiClient api = new ApiClient(sightline.httpPort());
        Path rules = writeRules("queue_depth > ");
        ApiClient.Reply reply = api.post("/-/reload", "text/plain", new byte[0]);
        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.body()).contains(rules + ": 5:15: group \"queues\", rule 1, \"QueueBacklog\": could not parse expression");
        JsonNode groups = JSON.readTree(api.get("/api/v1/rules").body()).path("data").path("groups");
        assertThat(groups.get(0).path("rules").get(0).path("query").asText()).isEqualTo("queue_depth > 10");

        writeRules("queue_depth > 20");
        assertThat(api.post("/-/reload", "text/plain", new byte[0]).status()).isEqualTo(200);
        groups = JSON.readTree(api.get("/api/v1/rules").body()).path("data").path("groups");
        assertThat(groups.get(0).path("rules").get(0).path("query").asText()).isEqualTo("queue_depth > 20");
        assertThat(groups.get(0).path("rules").get(0).path("type").asText()).isEqualTo("alerting");
    }

    @Test
    void aRestartWhileFiringNeitherRepeatsTheNotificationNorForgetsIt() throws Exception {
        start("[alertname]");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            export();
            assertThat(receiver.at("/hook")).hasSize(1);
        });
        provider.shutdown().join(10, TimeUnit.SECONDS);
        sightline.close();

        hasSecondQueue = true;
        start("[alertname]");
        ApiClient api = new ApiClient(sightline.httpPort());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            export();
            assertThat(receiver.at("/hook")).hasSize(2);
        });
        // Had the restart lost the notification log, the first alert would have been announced again as a
        // "first notification"; instead the second message only adds the new alert.
        JsonNode second = JSON.readTree(receiver.at("/hook").get(1).body());
        assertThat(second.path("notification_reason").asText()).isEqualTo("new alerts added");
        assertThat(second.path("alerts")).hasSize(2);
        assertThat(alerts(api)).hasSize(2);
        assertThat(receiver.at("/hook")).hasSize(2);
    }
}
