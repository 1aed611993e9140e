package io.sightline.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;

import java.util.List;

/**
 * ExponentialHistogram points, stored as classic histograms because storage has no native histograms
 * yet. Each point is first downscaled (neighbour buckets merged) to at most {@link #MAX_SCALE}, so that
 * the {@code le} bounds stay the same from point to point even when the SDK changes its scale, and to at
 * most {@link #MAX_BUCKETS} buckets. Then every exponential bucket becomes one {@code _bucket} series with
 * upper bound {@code base^(index+1)} (negative buckets {@code -base^index}), the zero bucket becomes
 * {@code le=<zero threshold>}, and {@code +Inf}, {@code _sum}, {@code _count} follow as for explicit
 * histograms. At scale 3 neighbouring bounds are 9% apart, which bounds histogram_quantile's error.
 */
final class ExponentialHistogramPoints {
    /** The finest scale kept: base 2^(1/8). */
    static final int MAX_SCALE = 3;
    /** Buckets per point after downscaling (the OpenTelemetry SDKs default to 160). */
    static final int MAX_BUCKETS = 160;
    private static final int MIN_VALID_SCALE = -10;
    private static final int MAX_VALID_SCALE = 20;

    private ExponentialHistogramPoints() {
    }

    static void translate(SeriesEmitter out, MetricNamer.FamilyNames names, AggregationTemporality temporality,
                          List<ExponentialHistogramDataPoint> points, DeltaState deltas, ExponentialBuckets e,
                          ClassicHistogram h) {
        boolean delta = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        for (int i = 0, n = points.size(); i < n; i++) {
            ExponentialHistogramDataPoint p = points.get(i);
            int samples = p.getPositive().getBucketCountsCount() + p.getNegative().getBucketCountsCount() + 4;
            if (!out.beginPoint(p.getAttributesList(), p.getTimeUnixNano(), p.getFlags(), p.getExemplarsCount(), 1, samples)) {
                continue;
            }
            if (temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE && !delta) {
                out.rejectPoint(RejectCause.INVALID_TEMPORALITY, samples, "exponential histogram has unspecified aggregation temporality");
                continue;
            }
            if (p.getScale() < MIN_VALID_SCALE || p.getScale() > MAX_VALID_SCALE) {
                out.rejectPoint(RejectCause.INVALID_POINT, samples, "scale " + p.getScale() + " is outside ["
                        + MIN_VALID_SCALE + ", " + MAX_VALID_SCALE + "]");
                continue;
            }
            e.of(p);
            e.limit(MAX_SCALE, MAX_BUCKETS);
            if (delta && !out.isStale()) {
                deltas.addExponential(out.seriesKey(names.family()), e);
            }
            e.toClassic(h);
            HistogramPoints.emit(out, names, h);
            out.endPoint();
        }
    }
}
