package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.sightline.server.Sightline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole path a user takes: the real OpenTelemetry Java SDK exports over OTLP/gRPC and OTLP/HTTP to a
 * Sightline started on free ports, and PromQL over the Prometheus HTTP API answers with the right values.
 * A test clock drives the SDK so sample timestamps (and so PromQL results) are exact.
 */
class MetricsEndToEndIT {
    private static final double STEP_SECONDS = 15;

    @TempDir
    Path dataDir;
    private Sightline sightline;
    private ApiClient api;
    private final TestClock clock = TestClock.create(Instant.ofEpochSecond((System.currentTimeMillis() / 60_000) * 60 - 600));

    @BeforeEach
    void start() {
        sightline = TestServer.start(dataDir);
        api = new ApiClient(sightline.httpPort());
    }

    @AfterEach
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    @Test
    void grpcExportAnswersCounterHistogramAndGaugeQueriesWithJobAndInstance() {
        MetricExporter exporter = OtlpGrpcMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + sightline.otlpGrpcPort()).build();
        double lastTime = exportScenario(exporter, "checkout", "shop", "pod-1");

        String sel = "{job=\"shop/checkout\",instance=\"pod-1\"}";
        // 5 orders per 15 s step, six exports: the counter reads 5, 10, ..., 30.
        assertThat(api.single("orders_placed_total" + sel, lastTime)).isEqualTo(30);
        // Window (t-60s, t] holds the 4 last samples 15 s apart; Prometheus extrapolates to the window start:
        // (30 - 15) * 60 / 45 = 20, exactly the true increase.
        assertThat(api.single("increase(orders_placed_total" + sel + "[1m])", lastTime)).isCloseTo(20, within(1e-9));
        assertThat(api.single("rate(orders_placed_total" + sel + "[1m])", lastTime)).isCloseTo(20.0 / 60, within(1e-9));

        // 6 exports x 10 observations: half at 0.05 s, half at 0.3 s, so the median is at the first bound (0.1)
        // and p75 interpolates halfway into (0.1, 0.5].
        assertThat(api.single("histogram_quantile(0.5, http_server_request_duration_seconds_bucket" + sel + ")", lastTime))
                .isCloseTo(0.1, within(1e-9));
        assertThat(api.single("histogram_quantile(0.75, http_server_request_duration_seconds_bucket" + sel + ")", lastTime))
                .isCloseTo(0.3, within(1e-9));
        assertThat(api.single("http_server_request_duration_seconds_count" + sel, lastTime)).isEqualTo(60);
        assertThat(api.single("http_server_request_duration_seconds_sum" + sel, lastTime)).isCloseTo(30 * 0.05 + 30 * 0.3, within(1e-9));

        assertThat(api.single("queue_depth" + sel, lastTime)).isEqualTo(42.5);

        // Other resource attributes live on target_info, not on every series.
        JsonNode info = api.instant("target_info" + sel, lastTime);
        assertThat(info).hasSize(1);
        assertThat(info.get(0).path("metric").path("deployment_environment").asText()).isEqualTo("prod");
        JsonNode counter = api.instant("orders_placed_total" + sel, lastTime).get(0).path("metric");
        assertThat(counter.has("deployment_environment")).isFalse();
        assertThat(counter.path("region").asText()).isEqualTo("eu");
    }

    @Test
    void httpProtobufExportIsQueryableAndSumsAcrossServices() {
        MetricExporter http = OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/metrics").build();
        double lastTime = exportScenario(http, "payments", null, "pod-7");
        assertThat(api.single("orders_placed_total{job=\"payments\",instance=\"pod-7\"}", lastTime)).isEqualTo(30);

        // The same SDK against the Prometheus-3-style OTLP path on the API port.
        MetricExporter onApiPort = OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + sightline.httpPort() + "/api/v1/otlp/v1/metrics").build();
        clock.advance(Duration.ofSeconds(1));
        double t2 = exportScenario(onApiPort, "billing", null, "pod-8");
        JsonNode byJob = api.instant("sum by (job) (orders_placed_total)", t2);
        assertThat(byJob).hasSize(2);
        assertThat(api.single("count(count by (instance) (queue_depth))", t2)).isEqualTo(2);
    }

    /** Exports six times, 15 s apart on the test clock; returns the last sample time in Unix seconds. */
    private double exportScenario(MetricExporter exporter, String service, String namespace, String instance) {
        Resource resource = Resource.empty().merge(Resource.create(attrs(service, namespace, instance)));
        SdkMeterProvider provider = SdkMeterProvider.builder()
                .setClock(clock)
                .setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
                .build();
        try {
            Meter meter = provider.get("e2e");
            LongCounter orders = meter.counterBuilder("orders.placed").build();
            DoubleHistogram latency = meter.histogramBuilder("http.server.request.duration").setUnit("s")
                    .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0)).build();
            meter.gaugeBuilder("queue.depth").setUnit("{item}").buildWithCallback(m -> m.record(42.5));
            Attributes region = Attributes.of(AttributeKey.stringKey("region"), "eu");
            double last = 0;
            for (int i = 0; i < 6; i++) {
                orders.add(5, region);
                for (int k = 0; k < 5; k++) {
                    latency.record(0.05, region);
                    latency.record(0.3, region);
                }
                assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("export %d", i).isTrue();
                last = clock.now() / 1e9;
                clock.advance(Duration.ofSeconds((long) STEP_SECONDS));
            }
            return last;
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private static Attributes attrs(String service, String namespace, String instance) {
        var b = Attributes.builder()
                .put("service.name", service)
                .put("service.instance.id", instance)
                .put("deployment.environment", "prod");
        if (namespace != null) {
            b.put("service.namespace", namespace);
        }
        return b.build();
    }
}
