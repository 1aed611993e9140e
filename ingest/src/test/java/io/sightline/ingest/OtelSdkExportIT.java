package io.sightline.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real OpenTelemetry Java SDK exports over OTLP/gRPC and OTLP/HTTP (protobuf) into a running
 * IngestService backed by the real storage; the stored series are read back through the Querier.
 */
class OtelSdkExportIT {
    @TempDir
    Path dataDir;
    private IngestFixture fixture;
    private SdkMeterProvider client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grpc", "http/protobuf"})
    void sdkExportIsStoredWithPrometheusNamesJobInstanceHistogramBucketsAndCounterValues(String protocol) throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        MetricExporter exporter = protocol.equals("grpc")
                ? OtlpGrpcMetricExporter.builder().setEndpoint("http://127.0.0.1:" + fixture.service.grpcPort()).build()
                : OtlpHttpMetricExporter.builder().setEndpoint("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/metrics").build();
        client = SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.builder()
                        .put("service.name", "api").put("service.namespace", "shop").put("service.instance.id", "pod-1")
                        .put("deployment.environment.name", "test").build())))
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
                .registerView(InstrumentSelector.builder().setName("payload.size").build(),
                        View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
                .build();
        Meter meter = client.get("checkout");

        LongCounter orders = meter.counterBuilder("orders.placed").setUnit("{order}").build();
        orders.add(5, Attributes.of(AttributeKey.stringKey("payment.method"), "card"));
        orders.add(2, Attributes.of(AttributeKey.stringKey("payment.method"), "card"));
        DoubleHistogram latency = meter.histogramBuilder("http.server.request.duration").setUnit("s")
                .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0)).build();
        for (double v : new double[] {0.05, 0.3, 0.7, 2.0}) {
            latency.record(v, Attributes.of(AttributeKey.stringKey("http.route"), "/cart"));
        }
        meter.gaugeBuilder("queue.depth").buildWithCallback(m -> m.record(12.5));
        DoubleHistogram payload = meter.histogramBuilder("payload.size").setUnit("By").build();
        for (double v : new double[] {3, 5, 100}) {
            payload.record(v);
        }

        CompletableResultCode flushed = client.forceFlush().join(30, TimeUnit.SECONDS);
        assertThat(flushed.isSuccess()).as("export over " + protocol + " succeeded").isTrue();

        var s = fixture.storage;
        String[] target = {"job", "shop/api", "instance", "pod-1"};
        assertThat(StoredSeries.values(s, with(target, "__name__", "orders_placed_total", "payment_method", "card"))).containsExactly(7.0);
        String bucket = "http_server_request_duration_seconds_bucket";
        assertThat(StoredSeries.values(s, with(target, "__name__", bucket, "http_route", "/cart", "le", "0.1"))).containsExactly(1.0);
        assertThat(StoredSeries.values(s, with(target, "__name__", bucket, "http_route", "/cart", "le", "0.5"))).containsExactly(2.0);
        assertThat(StoredSeries.values(s, with(target, "__name__", bucket, "http_route", "/cart", "le", "1"))).containsExactly(3.0);
        assertThat(StoredSeries.values(s, with(target, "__name__", bucket, "http_route", "/cart", "le", "+Inf"))).containsExactly(4.0);
        assertThat(StoredSeries.values(s, with(target, "__name__", "http_server_request_duration_seconds_count", "http_route", "/cart"))).containsExactly(4.0);
        assertThat(StoredSeries.values(s, with(target, "__name__", "http_server_request_duration_seconds_sum", "http_route", "/cart")).get(0))
                .isCloseTo(3.05, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(StoredSeries.values(s, with(target, "__name__", "queue_depth"))).containsExactly(12.5);

        // The exponential histogram arrives as classic buckets: cumulative, ascending, +Inf = count = 3.
        Map<Labels, List<Double>> payloadBuckets = StoredSeries.read(s, Matcher.eq("__name__", "payload_size_bytes_bucket"));
        assertThat(payloadBuckets.keySet()).allSatisfy(l -> assertThat(l.get("job")).isEqualTo("shop/api"));
        List<double[]> leAndCount = payloadBuckets.entrySet().stream()
                .map(e -> new double[] {Double.parseDouble(e.getKey().get("le").replace("+Inf", "Infinity")), e.getValue().get(0)})
                .sorted(java.util.Comparator.comparingDouble(a -> a[0])).toList();
        for (int i = 1; i < leAndCount.size(); i++) {
            assertThat(leAndCount.get(i)[1]).isGreaterThanOrEqualTo(leAndCount.get(i - 1)[1]);
        }
        assertThat(leAndCount.get(leAndCount.size() - 1)).containsExactly(Double.POSITIVE_INFINITY, 3.0);
        assertThat(leAndCount.stream().filter(a -> a[0] < 3).mapToDouble(a -> a[1]).max().orElse(0)).isZero();
        assertThat(leAndCount.stream().filter(a -> a[0] >= 100 && a[0] < 120).mapToDouble(a -> a[1])).contains(3.0);
        assertThat(StoredSeries.values(s, with(target, "__name__", "payload_size_bytes_count"))).containsExactly(3.0);
        assertThat(StoredSeries.values(s, with(target, "__name__", "payload_size_bytes_sum"))).containsExactly(108.0);

        Map<Labels, List<Double>> info = StoredSeries.read(s, Matcher.eq("__name__", "target_info"));
        assertThat(info).hasSize(1);
        Labels infoLabels = info.keySet().iterator().next();
        assertThat(infoLabels.get("job")).isEqualTo("shop/api");
        assertThat(infoLabels.get("instance")).isEqualTo("pod-1");
        assertThat(infoLabels.get("deployment_environment_name")).isEqualTo("test");
        assertThat(infoLabels.get("telemetry_sdk_language")).isEqualTo("java");
        assertThat(fixture.counter("sightline_ingest_samples_rejected_total", null)).isZero();
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
