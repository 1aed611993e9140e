package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.sightline.storage.RejectReason;
import io.sightline.storage.model.MetricMetadata;
import io.sightline.storage.model.StaleMarker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
import static io.opentelemetry.proto.metrics.v1.AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
import static io.sightline.ingest.otlp.Otlp.T0_MILLIS;
import static io.sightline.ingest.otlp.Otlp.T0_NANOS;
import static io.sightline.ingest.otlp.Otlp.attr;
import static io.sightline.ingest.otlp.Otlp.request;
import static io.sightline.ingest.otlp.Otlp.resource;
import static org.assertj.core.api.Assertions.assertThat;

class MetricsTranslatorTest {
    private static final TranslationOptions OPTIONS = new TranslationOptions(64, 256, 4096, 3_600_000L, false, 1000, 1024);

    private final RecordingSink sink = new RecordingSink();
    private MetricsTranslator translator = new MetricsTranslator(OPTIONS);

    private TranslationResult translate(ExportMetricsServiceRequest request) {
        return translator.translate(request, sink, T0_MILLIS);
    }

    private static NumberDataPoint.Builder point(double v) {
        return NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsDouble(v);
    }

    private static Metric gauge(String name, String unit, NumberDataPoint.Builder... points) {
        Gauge.Builder g = Gauge.newBuilder();
        for (NumberDataPoint.Builder p : points) {
            g.addDataPoints(p);
        }
        return Metric.newBuilder().setName(name).setUnit(unit).setDescription("help of " + name).setGauge(g).build();
    }

    private static Metric sum(String name, String unit, boolean monotonic, AggregationTemporality t, NumberDataPoint.Builder... points) {
        Sum.Builder s = Sum.newBuilder().setIsMonotonic(monotonic).setAggregationTemporality(t);
        for (NumberDataPoint.Builder p : points) {
            s.addDataPoints(p);
        }
        return Metric.newBuilder().setName(name).setUnit(unit).setSum(s).build();
    }

    private static HistogramDataPoint.Builder histogramPoint(long count, double sum, List<Double> bounds, List<Long> counts) {
        return HistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setCount(count).setSum(sum)
                .addAllExplicitBounds(bounds).addAllBucketCounts(counts);
    }

    private static Metric histogram(String name, String unit, AggregationTemporality t, HistogramDataPoint.Builder... points) {
        Histogram.Builder h = Histogram.newBuilder().setAggregationTemporality(t);
        for (HistogramDataPoint.Builder p : points) {
            h.addDataPoints(p);
        }
        return Metric.newBuilder().setName(name).setUnit(unit).setHistogram(h).build();
    }

    @Test
    void gaugeWithUnitOneGetsRatioSuffixJobAndMetadata() {
        TranslationResult r = translate(request(gauge("process.cpu.utilization", "1", point(0.25).addAttributes(attr("cpu", "0")))));

        assertThat(sink.series("__name__", "process_cpu_utilization_ratio", "cpu", "0", "job", "checkout").value()).isEqualTo(0.25);
        assertThat(sink.samples.get(0).timestampMillis()).isEqualTo(T0_MILLIS);
        assertThat(sink.metadata).containsEntry("process_cpu_utilization_ratio",
                new MetricMetadata("gauge", "help of process.cpu.utilization", ""));
        assertThat(r.acceptedSamples()).isEqualTo(1);
        assertThat(r.rejectedPoints()).isZero();
        assertThat(r.message()).isEmpty();
    }

    @Test
    void gaugeTypeHintInMetricMetadataSetsTheType() {
        Metric info = gauge("build", "", point(1)).toBuilder().addMetadata(attr("prometheus.type", "info")).build();
        Metric odd = gauge("other", "", point(1)).toBuilder().addMetadata(attr("prometheus.type", "counter")).build();
        translate(request(info, odd));

        assertThat(sink.metadata.get("build").type()).isEqualTo("info");
        assertThat(sink.metadata.get("other").type()).isEqualTo("gauge");
    }

    @Test
    void gaugeKeepsNaNAndIntValues() {
        translate(request(gauge("temp", "Cel", point(Double.NaN), NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS + 1_000_000).setAsInt(21))));

        List<RecordingSink.Sample> s = sink.named("temp_celsius");
        assertThat(s).hasSize(2);
        assertThat(s.get(0).value()).isNaN();
        assertThat(StaleMarker.isStale(s.get(0).value())).isFalse();
        assertThat(s.get(1).value()).isEqualTo(21.0);
    }

    @Test
    void monotonicCumulativeSumBecomesCounterWithUnitBeforeTotal() {
        translate(request(sum("system.network.io", "By", true, AGGREGATION_TEMPORALITY_CUMULATIVE, point(1024))));

        assertThat(sink.series("__name__", "system_network_io_bytes_total", "job", "checkout").value()).isEqualTo(1024);
        assertThat(sink.metadata.get("system_network_io_bytes_total").type()).isEqualTo("counter");
        assertThat(sink.metadata.get("system_network_io_bytes_total").unit()).isEqualTo("bytes");
    }

    @Test
    void nonMonotonicSumIsGaugeWithoutTotalAndAnnotationUnitDropped() {
        translate(request(sum("http.server.active_requests", "{request}", false, AGGREGATION_TEMPORALITY_CUMULATIVE, point(7))));

        assertThat(sink.series("__name__", "http_server_active_requests", "job", "checkout").value()).isEqualTo(7);
        assertThat(sink.metadata.get("http_server_active_requests").type()).isEqualTo("gauge");
    }

    @Test
    void deltaSumIsAccumulatedPerSeries() {
        NumberDataPoint.Builder a = point(5).addAttributes(attr("k", "a"));
        NumberDataPoint.Builder b = point(1).addAttributes(attr("k", "b"));
        translate(request(sum("requests", "", true, AGGREGATION_TEMPORALITY_DELTA, a, b)));
        translate(request(sum("requests", "", true, AGGREGATION_TEMPORALITY_DELTA,
                point(3).setTimeUnixNano(T0_NANOS + 60_000_000_000L).addAttributes(attr("k", "a")))));

        List<RecordingSink.Sample> seriesA = sink.samples.stream().filter(s -> "a".equals(s.labels().get("k"))).toList();
        assertThat(seriesA).extracting(RecordingSink.Sample::value).containsExactly(5.0, 8.0);
        assertThat(sink.series("__name__", "requests_total", "job", "checkout", "k", "b").value()).isEqualTo(1.0);
    }

    @Test
    void deltaStateForgetsLeastRecentlyUsedSeriesWhenFull() {
        translator = new MetricsTranslator(new TranslationOptions(64, 256, 4096, 3_600_000L, false, 1, 1024));
        translate(request(sum("c", "", true, AGGREGATION_TEMPORALITY_DELTA, point(5).addAttributes(attr("k", "a")))));
        translate(request(sum("c", "", true, AGGREGATION_TEMPORALITY_DELTA, point(1).addAttributes(attr("k", "b")))));
        translate(request(sum("c", "", true, AGGREGATION_TEMPORALITY_DELTA,
                point(2).setTimeUnixNano(T0_NANOS + 1_000_000).addAttributes(attr("k", "a")))));

        List<RecordingSink.Sample> seriesA = sink.samples.stream().filter(s -> "a".equals(s.labels().get("k"))).toList();
        assertThat(seriesA).extracting(RecordingSink.Sample::value).containsExactly(5.0, 2.0);
        assertThat(translator.deltaSeriesEvicted()).isEqualTo(2);
    }

    @Test
    void counterNaNIsRejectedAndReportedWhileTheRestIsStored() {
        TranslationResult r = translate(request(sum("c", "", true, AGGREGATION_TEMPORALITY_CUMULATIVE,
                point(Double.NaN), point(3).addAttributes(attr("k", "v")))));

        assertThat(sink.samples).hasSize(1);
        assertThat(r.rejectedPoints()).isEqualTo(1);
        assertThat(r.rejectedSamples(RejectCause.INVALID_VALUE)).isEqualTo(1);
        assertThat(r.message()).contains("c_total").contains("NaN");
    }

    @Test
    void histogramBecomesCumulativeBucketsWithInfSumAndCount() {
        translate(request(histogram("http.server.request.duration", "s", AGGREGATION_TEMPORALITY_CUMULATIVE,
                histogramPoint(10, 3.5, List.of(0.005, 0.1, 1.0), List.of(2L, 3L, 4L, 1L)).addAttributes(attr("http.route", "/cart")))));

        String bucket = "http_server_request_duration_seconds_bucket";
        assertThat(sink.series("__name__", bucket, "http_route", "/cart", "job", "checkout", "le", "0.005").value()).isEqualTo(2);
        assertThat(sink.series("__name__", bucket, "http_route", "/cart", "job", "checkout", "le", "0.1").value()).isEqualTo(5);
        assertThat(sink.series("__name__", bucket, "http_route", "/cart", "job", "checkout", "le", "1").value()).isEqualTo(9);
        assertThat(sink.series("__name__", bucket, "http_route", "/cart", "job", "checkout", "le", "+Inf").value()).isEqualTo(10);
        assertThat(sink.series("__name__", "http_server_request_duration_seconds_sum", "http_route", "/cart", "job", "checkout").value()).isEqualTo(3.5);
        assertThat(sink.series("__name__", "http_server_request_duration_seconds_count", "http_route", "/cart", "job", "checkout").value()).isEqualTo(10);
        assertThat(sink.samples).hasSize(6);
        assertThat(sink.metadata.get("http_server_request_duration_seconds").type()).isEqualTo("histogram");
    }

    @Test
    void deltaHistogramIsAccumulated() {
        translate(request(histogram("lat", "ms", AGGREGATION_TEMPORALITY_DELTA,
                histogramPoint(2, 10, List.of(5.0), List.of(1L, 1L)))));
        translate(request(histogram("lat", "ms", AGGREGATION_TEMPORALITY_DELTA,
                histogramPoint(3, 20, List.of(5.0), List.of(2L, 1L)).setTimeUnixNano(T0_NANOS + 60_000_000_000L))));

        List<RecordingSink.Sample> le5 = sink.samples.stream().filter(s -> "5".equals(s.labels().get("le"))).toList();
        assertThat(le5).extracting(RecordingSink.Sample::value).containsExactly(1.0, 3.0);
        assertThat(sink.named("lat_milliseconds_count")).extracting(RecordingSink.Sample::value).containsExactly(2.0, 5.0);
        assertThat(sink.named("lat_milliseconds_sum")).extracting(RecordingSink.Sample::value).containsExactly(10.0, 30.0);
    }

    @Test
    void histogramWithMismatchedBucketCountsIsRejected() {
        TranslationResult r = translate(request(histogram("h", "", AGGREGATION_TEMPORALITY_CUMULATIVE,
                histogramPoint(2, 1, List.of(1.0, 2.0), List.of(1L, 1L)))));

        assertThat(sink.samples).isEmpty();
        assertThat(r.rejectedPoints()).isEqualTo(1);
        assertThat(r.rejectedSamples(RejectCause.INVALID_POINT)).isEqualTo(5);
        assertThat(r.message()).contains("2 bucket counts for 2 explicit bounds");
    }

    @Test
    void exponentialHistogramIsConvertedToClassicBuckets() {
        // scale 0: base 2; zero bucket 1; positive offset 1 counts [0, 2] = 2 values in (4, 8].
        ExponentialHistogramDataPoint.Builder p = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)
                .setCount(3).setSum(10).setScale(0).setZeroCount(1)
                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(1).addBucketCounts(0).addBucketCounts(2));
        translate(request(Metric.newBuilder().setName("my.exponential.histogram").setUnit("1")
                .setExponentialHistogram(ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(p)).build()));

        String bucket = "my_exponential_histogram_bucket";
        assertThat(sink.series("__name__", bucket, "job", "checkout", "le", "0").value()).isEqualTo(1);
        assertThat(sink.series("__name__", bucket, "job", "checkout", "le", "8").value()).isEqualTo(3);
        assertThat(sink.series("__name__", bucket, "job", "checkout", "le", "+Inf").value()).isEqualTo(3);
        assertThat(sink.series("__name__", "my_exponential_histogram_sum", "job", "checkout").value()).isEqualTo(10);
        assertThat(sink.series("__name__", "my_exponential_histogram_count", "job", "checkout").value()).isEqualTo(3);
        assertThat(sink.metadata.get("my_exponential_histogram").type()).isEqualTo("histogram");
    }

    @Test
    void exponentialHistogramAboveMaxScaleIsDownscaledToStableBounds() {
        // scale 5, bucket index 32 covers (2^(32/32), 2^(33/32)] = (2, 2.04]; at scale 3 it is index 8: (2, 2^(9/8)].
        ExponentialHistogramDataPoint.Builder p = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)
                .setCount(4).setSum(8.1).setScale(5)
                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(32).addBucketCounts(3).addBucketCounts(1))
                .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(0));
        translate(request(Metric.newBuilder().setName("e").setExponentialHistogram(ExponentialHistogram.newBuilder()
                .setAggregationTemporality(AGGREGATION_TEMPORALITY_CUMULATIVE).addDataPoints(p)).build()));

        String le = FloatLabels.format(Math.pow(2, 9.0 / 8));
        assertThat(sink.series("__name__", "e_bucket", "job", "checkout", "le", le).value()).isEqualTo(4);
        assertThat(sink.named("e_bucket")).hasSize(3); // le=0 (zero bucket), le=2^(9/8), +Inf
    }

    @Test
    void summaryBecomesQuantileSeriesSumAndCount() {
        SummaryDataPoint.Builder p = SummaryDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setCount(100).setSum(42)
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(0.3))
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(1.7));
        translate(request(Metric.newBuilder().setName("rpc.duration").setUnit("s")
                .setSummary(Summary.newBuilder().addDataPoints(p)).build()));

        assertThat(sink.series("__name__", "rpc_duration_seconds", "job", "checkout", "quantile", "0.5").value()).isEqualTo(0.3);
        assertThat(sink.series("__name__", "rpc_duration_seconds", "job", "checkout", "quantile", "0.99").value()).isEqualTo(1.7);
        assertThat(sink.series("__name__", "rpc_duration_seconds_sum", "job", "checkout").value()).isEqualTo(42);
        assertThat(sink.series("__name__", "rpc_duration_seconds_count", "job", "checkout").value()).isEqualTo(100);
        assertThat(sink.metadata.get("rpc_duration_seconds").type()).isEqualTo("summary");
    }

    @Test
    void noRecordedValueFlagWritesStaleMarkersForEverySeriesOfThePoint() {
        translate(request(
                gauge("g", "", point(1).setFlags(1)),
                histogram("h", "", AGGREGATION_TEMPORALITY_CUMULATIVE, histogramPoint(0, 0, List.of(1.0), List.of(0L, 0L)).setFlags(1))));

        assertThat(sink.samples).hasSize(5);
        assertThat(sink.samples).allSatisfy(s -> assertThat(StaleMarker.isStale(s.value())).isTrue());
    }

    @Test
    void jobAndInstanceComeFromServiceAttributesAndOthersGoToTargetInfo() {
        translate(request(resource(attr("service.name", "api"), attr("service.namespace", "shop"),
                        attr("service.instance.id", "pod-1"), attr("host.name", "node-7"), attr("k8s.pod.uid", "")),
                gauge("g", "", point(1).setTimeUnixNano(T0_NANOS - 5_000_000_000L)), gauge("g2", "", point(2))));

        assertThat(sink.series("__name__", "g", "job", "shop/api", "instance", "pod-1").value()).isEqualTo(1);
        RecordingSink.Sample info = sink.series("__name__", "target_info", "job", "shop/api", "instance", "pod-1", "host_name", "node-7");
        assertThat(info.value()).isEqualTo(1);
        assertThat(info.timestampMillis()).isEqualTo(T0_MILLIS);
    }

    @Test
    void resourceJobOverridesAPointAttributeNamedJob() {
        translate(request(gauge("g", "", point(1).addAttributes(attr("job", "from-point")).addAttributes(attr("instance", "i")))));

        assertThat(sink.series("__name__", "g", "job", "checkout", "instance", "i").value()).isEqualTo(1);
    }

    @Test
    void noTargetInfoWhenResourceHasOnlyIdentifyingAttributes() {
        translate(request(gauge("g", "", point(1))));

        assertThat(sink.named("target_info")).isEmpty();
    }

    @Test
    void attributeNamesAreSanitisedAndCollisionsJoinedInKeyOrder() {
        translate(request(gauge("g", "", point(1)
                .addAttributes(attr("http.method", "GET"))
                .addAttributes(attr("http_method", "get"))
                .addAttributes(attr("2xx", "yes"))
                .addAttributes(attr("_private", "p"))
                .addAttributes(attr("__reserved", "r"))
                .addAttributes(attr("flag", AnyValue.newBuilder().setBoolValue(true).build()))
                .addAttributes(attr("n", AnyValue.newBuilder().setIntValue(-3).build()))
                .addAttributes(attr("d", AnyValue.newBuilder().setDoubleValue(2.5).build()))
                .addAttributes(attr("arr", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                        .addValues(AnyValue.newBuilder().setStringValue("a")).addValues(AnyValue.newBuilder().setIntValue(1))).build())))));

        assertThat(sink.series("__name__", "g", "job", "checkout", "http_method", "GET;get", "key_2xx", "yes",
                "key_private", "p", "__reserved", "r", "flag", "true", "n", "-3", "d", "2.5", "arr", "[\"a\",1]")).isNotNull();
    }

    @Test
    void scopeLabelsAreAddedOnlyWhenPromoted() {
        translator = new MetricsTranslator(new TranslationOptions(64, 256, 4096, 3_600_000L, true, 1000, 1024));
        translate(request(gauge("g", "", point(1))));

        assertThat(sink.series("__name__", "g", "job", "checkout", "otel_scope_name", "test.scope",
                "otel_scope_version", "1.2.3")).isNotNull();
    }

    @Test
    void pointsWithMissingOrFutureTimestampsAreRejectedOneByOne() {
        TranslationResult r = translate(request(gauge("g", "",
                point(1).setTimeUnixNano(0),
                point(2).setTimeUnixNano(T0_NANOS + 2 * 3_600_000_000_000L),
                point(3).addAttributes(attr("ok", "yes")))));

        assertThat(sink.samples).extracting(RecordingSink.Sample::value).containsExactly(3.0);
        assertThat(r.rejectedPoints()).isEqualTo(2);
        assertThat(r.rejectedSamples(RejectCause.INVALID_TIMESTAMP)).isEqualTo(2);
        assertThat(r.message()).contains("metric \"g\"").contains("time_unix_nano is missing").contains("and 1 more");
    }

    @Test
    void tooManyLabelsAndOverLongNamesAndValuesAreRejectedNamingTheLimit() {
        translator = new MetricsTranslator(new TranslationOptions(4, 10, 10, 3_600_000L, false, 1000, 1024));
        TranslationResult r = translate(request(gauge("g", "",
                point(1).addAttributes(attr("a", "1")).addAttributes(attr("b", "2")).addAttributes(attr("c", "3")),
                point(2).addAttributes(attr("a_very_long_label_name", "1")),
                point(3).addAttributes(attr("a", "a value that is too long")),
                point(4).addAttributes(attr("a", "fine")))));

        assertThat(sink.samples).extracting(RecordingSink.Sample::value).containsExactly(4.0);
        assertThat(r.rejectedPoints()).isEqualTo(3);
        assertThat(r.rejectedSamples(RejectCause.TOO_MANY_LABELS)).isEqualTo(1);
        assertThat(r.rejectedSamples(RejectCause.LABEL_NAME_TOO_LONG)).isEqualTo(1);
        assertThat(r.rejectedSamples(RejectCause.LABEL_VALUE_TOO_LONG)).isEqualTo(1);
        assertThat(r.message()).contains("5 labels, over ingest.max_labels_per_series=4");
    }

    @Test
    void emptyMetricNameRejectsEveryPointOfTheMetric() {
        TranslationResult r = translate(request(gauge("...", "", point(1), point(2)), gauge("ok", "", point(3))));

        assertThat(sink.samples).extracting(s -> s.labels().metricName()).containsExactly("ok");
        assertThat(r.rejectedPoints()).isEqualTo(2);
        assertThat(r.rejectedSamples(RejectCause.EMPTY_METRIC_NAME)).isEqualTo(2);
    }

    @Test
    void storageRejectionsCountOncePerPointAndNameTheReason() {
        sink.refuseName = "h_bucket";
        sink.refuseCode = RejectReason.OUT_OF_ORDER.code();
        TranslationResult r = translate(request(histogram("h", "", AGGREGATION_TEMPORALITY_CUMULATIVE,
                histogramPoint(2, 1, List.of(1.0), List.of(1L, 1L)))));

        assertThat(r.rejectedPoints()).isEqualTo(1);
        assertThat(r.rejectedSamples(RejectCause.STORAGE_OUT_OF_ORDER)).isEqualTo(2);
        assertThat(r.acceptedSamples()).isEqualTo(2);
        assertThat(r.message()).contains("rejected by storage: storage_out_of_order");
    }

    @Test
    void exemplarsAreDroppedButCounted() {
        TranslationResult r = translate(request(sum("c", "", true, AGGREGATION_TEMPORALITY_CUMULATIVE,
                point(1).addExemplars(Exemplar.newBuilder().setAsDouble(1).setTimeUnixNano(T0_NANOS))
                        .addExemplars(Exemplar.newBuilder().setAsDouble(2).setTimeUnixNano(T0_NANOS)))));

        assertThat(r.exemplarsDropped()).isEqualTo(2);
        assertThat(sink.samples).hasSize(1);
    }

    @Test
    void resentSeriesIsWrittenByReferenceWithTheSameLabelsInstance() {
        translate(request(gauge("g", "", point(1).addAttributes(attr("k", "a")), point(2).addAttributes(attr("k", "b")))));
        translate(request(gauge("g", "", point(3).setTimeUnixNano(T0_NANOS + 1_000_000).addAttributes(attr("k", "a")),
                point(4).setTimeUnixNano(T0_NANOS + 1_000_000).addAttributes(attr("k", "c")))));

        List<RecordingSink.Sample> s = sink.samples;
        assertThat(s).extracting(RecordingSink.Sample::refPassed).containsExactly(0L, 0L, 1L, 0L);
        assertThat(s.get(2).labels()).isSameAs(s.get(0).labels());
        assertThat(s.get(3).labels().get("k")).isEqualTo("c");
    }

    @Test
    void seriesCacheNeverConfusesSeriesThatDifferOnlyInExtraLabelOrName() {
        translate(request(histogram("h", "", AGGREGATION_TEMPORALITY_CUMULATIVE, histogramPoint(2, 1, List.of(1.0), List.of(1L, 1L)))));
        translate(request(histogram("h", "", AGGREGATION_TEMPORALITY_CUMULATIVE,
                histogramPoint(3, 2, List.of(1.0), List.of(2L, 1L)).setTimeUnixNano(T0_NANOS + 1_000_000))));

        assertThat(sink.samples.stream().map(RecordingSink.Sample::labels).distinct()).hasSize(4);
        assertThat(sink.samples.subList(4, 8)).extracting(x -> x.labels().toString() + "=" + x.value()).containsExactly(
                "{__name__=\"h_bucket\", job=\"checkout\", le=\"1\"}=2.0",
                "{__name__=\"h_bucket\", job=\"checkout\", le=\"+Inf\"}=3.0",
                "{__name__=\"h_sum\", job=\"checkout\"}=2.0",
                "{__name__=\"h_count\", job=\"checkout\"}=3.0");
    }

    @Test
    void unspecifiedTemporalityIsRejected() {
        TranslationResult r = translate(request(sum("c", "", true, AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED, point(1))));

        assertThat(sink.samples).isEmpty();
        assertThat(r.rejectedSamples(RejectCause.INVALID_TEMPORALITY)).isEqualTo(1);
    }
}
