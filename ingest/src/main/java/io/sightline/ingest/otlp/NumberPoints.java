package io.sightline.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;

import java.util.List;

/**
 * Gauge and Sum points: one sample each. A delta Sum is accumulated into a cumulative total per series
 * ({@link DeltaState}). NaN is a legal gauge value (Prometheus keeps it) but not a legal counter value.
 */
final class NumberPoints {
    private NumberPoints() {
    }

    static void translate(SeriesEmitter out, String name, MetricKind kind, AggregationTemporality temporality,
                          List<NumberDataPoint> points, DeltaState deltas) {
        boolean delta = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        for (int i = 0, n = points.size(); i < n; i++) {
            NumberDataPoint p = points.get(i);
            if (!out.beginPoint(p.getAttributesList(), p.getTimeUnixNano(), p.getFlags(), p.getExemplarsCount(), 0, 1)) {
                continue;
            }
            if (kind != MetricKind.GAUGE && temporality != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE && !delta) {
                out.rejectPoint(RejectCause.INVALID_TEMPORALITY, 1, "sum has unspecified aggregation temporality");
                continue;
            }
            double v = switch (p.getValueCase()) {
                case AS_DOUBLE -> p.getAsDouble();
                case AS_INT -> p.getAsInt();
                case VALUE_NOT_SET -> Double.NaN;
            };
            if (!out.isStale()) {
                if (p.getValueCase() == NumberDataPoint.ValueCase.VALUE_NOT_SET) {
                    out.rejectPoint(RejectCause.INVALID_VALUE, 1, "data point has no value");
                    continue;
                }
                if (kind == MetricKind.COUNTER && Double.isNaN(v)) {
                    out.rejectPoint(RejectCause.INVALID_VALUE, 1, "counter value is NaN");
                    continue;
                }
                if (delta) {
                    v = deltas.addSum(out.seriesKey(name), v);
                }
            }
            out.sample(name, v);
            out.endPoint();
        }
    }
}
