package io.sightline.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;

import java.util.List;

/**
 * Explicit-bucket Histogram points to classic Prometheus histograms: {@code _bucket{le}} with cumulative
 * counts in ascending bound order, {@code le="+Inf"} equal to count, {@code _sum} (when set) and
 * {@code _count}; min and max are dropped. Deltas are accumulated per series.
 */
final class HistogramPoints {
    /** Bounds per point; more would turn one point into an unbounded number of series. */
    static final int MAX_BOUNDS = 1024;

    private HistogramPoints() {
    }

    static void translate(SeriesEmitter out, MetricNamer.FamilyNames names, AggregationTemporality temporality,
                          List<HistogramDataPoint> points, DeltaState deltas, ClassicHistogram h) {
        boolean delta = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        for (int i = 0, n = points.size(); i < n; i++) {
            HistogramDataPoint p = points.get(i);
            int bounds = p.getExplicitBoundsCount();
            int samples = bounds + 3;
            if (!out.beginPoint(p.getAttributesList(), p.getTimeUnixNano(), p.getFlags(), p.getExemplarsCount(), 1, samples)) {
                continue;
            }
            if (temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE && !delta) {
                out.rejectPoint(RejectCause.INVALID_TEMPORALITY, samples, "histogram has unspecified aggregation temporality");
                continue;
            }
            String problem = load(p, h);
            if (problem != null) {
                out.rejectPoint(RejectCause.INVALID_POINT, samples, problem);
                continue;
            }
            if (delta && !out.isStale()) {
                deltas.addHistogram(out.seriesKey(names.family()), h);
            }
            emit(out, names, h);
            out.endPoint();
        }
    }

    /** Writes the series of one classic histogram for the current point. Shared with exponential histograms. */
    static void emit(SeriesEmitter out, MetricNamer.FamilyNames names, ClassicHistogram h) {
        long cumulative = 0;
        for (int b = 0; b < h.n; b++) {
            cumulative += h.counts[b];
            double le = h.bounds[b];
            if (le == Double.POSITIVE_INFINITY) {
                continue;
            }
            out.sample(names.bucket(), "le", FloatLabels.format(le), cumulative);
        }
        out.sample(names.bucket(), "le", "+Inf", h.count);
        if (h.hasSum) {
            out.sample(names.sum(), h.sum);
        }
        out.sample(names.count(), h.count);
    }

    private static String load(HistogramDataPoint p, ClassicHistogram h) {
        int bounds = p.getExplicitBoundsCount();
        int buckets = p.getBucketCountsCount();
        if (bounds > MAX_BOUNDS) {
            return bounds + " explicit bounds, over the limit of " + MAX_BOUNDS;
        }
        if (buckets != 0 && buckets != bounds + 1) {
            return buckets + " bucket counts for " + bounds + " explicit bounds (must be bounds + 1)";
        }
        h.reset(buckets == 0 ? 0 : bounds);
        for (int b = 0; b < h.n; b++) {
            double bound = p.getExplicitBounds(b);
            if (Double.isNaN(bound) || (b > 0 && !(bound > h.bounds[b - 1]))) {
                return "explicit bounds are not strictly ascending at index " + b + " (" + bound + ")";
            }
            h.bounds[b] = bound;
            h.counts[b] = p.getBucketCounts(b);
        }
        if (buckets != 0) {
            h.counts[h.n] = p.getBucketCounts(h.n);
        }
        h.count = p.getCount();
        h.sum = p.getSum();
        h.hasSum = p.hasSum();
        return null;
    }
}
