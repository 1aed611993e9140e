package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.sightline.storage.model.MetricMetadata;

/**
 * Translates an OTLP {@link ExportMetricsServiceRequest} into Prometheus-model samples, by the rules of
 * ../shared/reference/otlp-to-prometheus.md (names §1, labels §2, job/instance/target_info §3, scope §4,
 * then one class per point kind). Invalid points are skipped one by one and tallied in the
 * {@link TranslationResult}; the rest is written.
 *
 * <p>Thread-safe: the name caches and the delta state are shared, everything per request lives in a
 * {@link SeriesEmitter} made for the call.
 */
public final class MetricsTranslator {
    private final TranslationOptions options;
    private final MetricNamer metricNamer = new MetricNamer();
    private final LabelNamer labelNamer = new LabelNamer();
    private final DeltaState deltas;
    private final ThreadLocal<SeriesCache> caches;

    public MetricsTranslator(TranslationOptions options) {
        this.options = options;
        this.deltas = new DeltaState(options.maxDeltaSeries());
        // One cache per write thread: thread-confined, so the hot path takes no lock. The threads are the
        // bounded write pool and the API server's workers, so the number of caches is bounded too.
        this.caches = options.seriesCacheEntries() > 0
                ? ThreadLocal.withInitial(() -> new SeriesCache(options.seriesCacheEntries())) : null;
    }

    /**
     * Translates one request into {@code sink}.
     *
     * @param nowMillis the server clock, to refuse points too far in the future
     */
    public TranslationResult translate(ExportMetricsServiceRequest request, SampleSink sink, long nowMillis) {
        TranslationResult result = new TranslationResult();
        SeriesEmitter out = new SeriesEmitter(sink, options, labelNamer, result, caches == null ? null : caches.get(), nowMillis);
        ClassicHistogram classic = new ClassicHistogram();
        ExponentialBuckets exponential = new ExponentialBuckets();
        for (int r = 0; r < request.getResourceMetricsCount(); r++) {
            ResourceMetrics rm = request.getResourceMetrics(r);
            out.beginResource(rm.getResource());
            for (int s = 0; s < rm.getScopeMetricsCount(); s++) {
                ScopeMetrics sm = rm.getScopeMetrics(s);
                out.beginScope(sm.getScope(), sm.getSchemaUrl());
                for (int m = 0; m < sm.getMetricsCount(); m++) {
                    translateMetric(out, sm.getMetrics(m), classic, exponential);
                }
            }
            out.endResource();
        }
        return result;
    }

    /** Series whose delta state was forgotten because {@code ingest.max_delta_series} was reached. */
    public long deltaSeriesEvicted() {
        return deltas.evicted();
    }

    private void translateMetric(SeriesEmitter out, Metric metric, ClassicHistogram classic, ExponentialBuckets exponential) {
        switch (metric.getDataCase()) {
            case GAUGE -> {
                MetricNamer.FamilyNames names = begin(out, metric, MetricKind.GAUGE, metric.getGauge().getDataPointsCount(), 1);
                if (names != null) {
                    NumberPoints.translate(out, names.family(), MetricKind.GAUGE,
                            AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED, metric.getGauge().getDataPointsList(), deltas);
                }
            }
            case SUM -> {
                MetricKind kind = metric.getSum().getIsMonotonic() ? MetricKind.COUNTER : MetricKind.UP_DOWN_COUNTER;
                MetricNamer.FamilyNames names = begin(out, metric, kind, metric.getSum().getDataPointsCount(), 1);
                if (names != null) {
                    NumberPoints.translate(out, names.family(), kind, metric.getSum().getAggregationTemporality(),
                            metric.getSum().getDataPointsList(), deltas);
                }
            }
            case HISTOGRAM -> {
                MetricNamer.FamilyNames names = begin(out, metric, MetricKind.HISTOGRAM, metric.getHistogram().getDataPointsCount(), 3);
                if (names != null) {
                    HistogramPoints.translate(out, names, metric.getHistogram().getAggregationTemporality(),
                            metric.getHistogram().getDataPointsList(), deltas, classic);
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                MetricNamer.FamilyNames names = begin(out, metric, MetricKind.EXPONENTIAL_HISTOGRAM,
                        metric.getExponentialHistogram().getDataPointsCount(), 3);
                if (names != null) {
                    ExponentialHistogramPoints.translate(out, names, metric.getExponentialHistogram().getAggregationTemporality(),
                            metric.getExponentialHistogram().getDataPointsList(), deltas, exponential, classic);
                }
            }
            case SUMMARY -> {
                MetricNamer.FamilyNames names = begin(out, metric, MetricKind.SUMMARY, metric.getSummary().getDataPointsCount(), 2);
                if (names != null) {
                    SummaryPoints.translate(out, names, metric.getSummary().getDataPointsList());
                }
            }
            case DATA_NOT_SET -> {
                // A metric without data carries nothing to store; the specification does not call it an error.
            }
        }
    }

    private MetricNamer.FamilyNames begin(SeriesEmitter out, Metric metric, MetricKind kind, int points, int samplesPerPoint) {
        MetricNamer.FamilyNames names = metricNamer.names(metric.getName(), metric.getUnit(), kind);
        if (!out.beginMetric(names.family(), metric.getName(), points, samplesPerPoint)) {
            return null;
        }
        if (points > 0) {
            out.sink().metadata(names.family(), new MetricMetadata(prometheusType(metric, kind), metric.getDescription(), names.unit()));
        }
        return names;
    }

    /**
     * The TYPE metadata: by kind, except that a gauge may carry the {@code prometheus.type} hint
     * ({@code unknown}, {@code info} or {@code stateset}) in its metadata (reference §5).
     */
    private static String prometheusType(Metric metric, MetricKind kind) {
        if (kind == MetricKind.GAUGE) {
            for (int i = 0; i < metric.getMetadataCount(); i++) {
                KeyValue kv = metric.getMetadata(i);
                if (kv.getKey().equals("prometheus.type")) {
                    String hint = kv.getValue().getStringValue();
                    if (hint.equals("unknown") || hint.equals("info") || hint.equals("stateset")) {
                        return hint;
                    }
                }
            }
        }
        return kind.prometheusType();
    }
}
