package io.sightline.bench.ingest;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sightline.ingest.otlp.MetricsTranslator;
import io.sightline.ingest.otlp.MetricsWriter;
import io.sightline.ingest.otlp.SampleSink;
import io.sightline.ingest.otlp.TranslationOptions;
import io.sightline.ingest.otlp.TranslationResult;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * OTLP ingest on one thread: decode an {@code ExportMetricsServiceRequest} from protobuf bytes, translate it
 * to Prometheus series and append it to the real storage (one appender, commit per request). One
 * operation is one sample, so the score reads as samples/s.
 *
 * <p>The request looks like one SDK export of a busy service: a resource with 12 attributes, 20
 * counters x 50 series, 20 gauges x 50 series and 5 histograms x 20 series with 11 bounds (14 samples
 * per point), each point with 3 attributes: 3,400 points, 3,401 samples with target_info. Every invocation gets fresh
 * timestamps 1 ms later, so storage takes every sample as new and in order.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar OtlpDecodeBenchmark -prof gc}
 */
public class OtlpDecodeBenchmark extends OtlpIngestBenchmark {
    static final int COUNTERS = 20;
    static final int GAUGES = 20;
    static final int HISTOGRAMS = 5;
    static final int SERIES_PER_METRIC = 50;
    static final int SERIES_PER_HISTOGRAM = 20;
    static final int BOUND_COUNT = 11;
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Samples per request: counters and gauges one each, histograms bounds + 3 (+Inf, sum, count), one target_info. */
    static final int SAMPLES = (COUNTERS + GAUGES) * SERIES_PER_METRIC + HISTOGRAMS * SERIES_PER_HISTOGRAM * (BOUND_COUNT + 3) + 1;

    /** Series cache entries per thread: 0 measures the path that builds labels for every sample. */
    @Param({"65536", "0"})
    public int cacheEntries;

    private Path dir;
    private Storage storage;
    private MetricsWriter writer;
    private MetricsTranslator translator;
    private long timeMillis;
    private byte[] body;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("otlp-bench");
        storage = Storage.open(new StorageConfig(dir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.NEVER, 1_000, 128L << 20, 0, 2_000_000),
                OpenTelemetry.noop().getMeter("bench"));
        translator = new MetricsTranslator(new TranslationOptions(64, 256, 4096, 3_600_000L, false, 100_000, cacheEntries));
        writer = new MetricsWriter(storage, translator, InstantSource.system());
        timeMillis = System.currentTimeMillis() - 3_600_000L;
    }

    /** Fresh timestamps for every request; building the bytes is not measured. */
    @Setup(Level.Invocation)
    public void nextRequest() {
        timeMillis++;
        body = request(timeMillis * 1_000_000L).toByteArray();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Protobuf decoding alone, for comparison. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public ExportMetricsServiceRequest decode() throws IOException {
        return ExportMetricsServiceRequest.parseFrom(body);
    }

    /** Decode and translate into a sink that stores nothing: ingest's own share of the write path. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public long decodeTranslate() throws IOException {
        TranslationResult r = translator.translate(ExportMetricsServiceRequest.parseFrom(body), DISCARD, timeMillis + 1);
        if (r.acceptedSamples() != SAMPLES) {
            throw new IllegalStateException("expected " + SAMPLES + " samples, got " + r.acceptedSamples() + ": " + r.message());
        }
        return r.acceptedSamples();
    }

    /** Decode, translate, append and commit: the OTLP write path without the network. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public long decodeTranslateAppend() throws IOException {
        TranslationResult r = writer.write(ExportMetricsServiceRequest.parseFrom(body));
        if (r.acceptedSamples() != SAMPLES) {
            throw new IllegalStateException("expected " + SAMPLES + " samples stored, got " + r.acceptedSamples() + ": " + r.message());
        }
        return r.acceptedSamples();
    }

    /** Takes every sample, keeps nothing; returns one fixed series reference. */
    private static final SampleSink DISCARD = new SampleSink() {
        @Override
        public long append(long ref, Labels labels, long timestampMillis, double value) {
            return 1;
        }

        @Override
        public void metadata(String family, MetricMetadata metadata) {
        }
    };

    static ExportMetricsServiceRequest request(long timeNanos) {
        Resource.Builder resource = Resource.newBuilder()
                .addAttributes(attr("service.name", "checkout")).addAttributes(attr("service.namespace", "shop"))
                .addAttributes(attr("service.instance.id", "checkout-7d9f8b6c5-x2x4q"));
        String[] extra = {"host.name", "os.type", "process.pid", "process.runtime.name", "process.runtime.version",
                "telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version", "k8s.pod.name"};
        for (String k : extra) {
            resource.addAttributes(attr(k, k + "-value"));
        }
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.app").setVersion("1.0"));
        for (int m = 0; m < COUNTERS; m++) {
            Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            for (int s = 0; s < SERIES_PER_METRIC; s++) {
                sum.addDataPoints(point(timeNanos, s).setAsDouble(timeNanos / 1e9 + s));
            }
            scope.addMetrics(Metric.newBuilder().setName("app.requests." + m).setUnit("{request}").setSum(sum));
        }
        for (int m = 0; m < GAUGES; m++) {
            Gauge.Builder gauge = Gauge.newBuilder();
            for (int s = 0; s < SERIES_PER_METRIC; s++) {
                gauge.addDataPoints(point(timeNanos, s).setAsDouble((timeNanos / 1_000_000 + s) % 1000 / 10.0));
            }
            scope.addMetrics(Metric.newBuilder().setName("app.queue.size." + m).setUnit("1").setGauge(gauge));
        }
        for (int m = 0; m < HISTOGRAMS; m++) {
            Histogram.Builder h = Histogram.newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            for (int s = 0; s < SERIES_PER_HISTOGRAM; s++) {
                HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setTimeUnixNano(timeNanos)
                        .addAttributes(attr("http.route", "/api/v1/item/" + s)).addAttributes(attr("http.request.method", "GET"))
                        .addAttributes(attr("http.response.status_code", "200"));
                long count = 0;
                for (double b : BOUNDS) {
                    p.addExplicitBounds(b).addBucketCounts(timeNanos / 1_000_000 % 7 + 1);
                    count += timeNanos / 1_000_000 % 7 + 1;
                }
                p.addBucketCounts(1);
                h.addDataPoints(p.setCount(count + 1).setSum(count * 0.3));
            }
            scope.addMetrics(Metric.newBuilder().setName("http.server.request.duration." + m).setUnit("s").setHistogram(h));
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope)).build();
    }

    private static NumberDataPoint.Builder point(long timeNanos, int series) {
        return NumberDataPoint.newBuilder().setTimeUnixNano(timeNanos)
                .addAttributes(attr("endpoint", "/api/v1/item/" + series))
                .addAttributes(attr("method", series % 2 == 0 ? "GET" : "POST"))
                .addAttributes(attr("zone", "eu-west-1" + (char) ('a' + series % 3)));
    }

    private static KeyValue attr(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
