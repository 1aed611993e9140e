package io.sightline.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;

import java.util.List;

/** Summary points: one {@code <family>{quantile="q"}} series per quantile, plus {@code _sum} and {@code _count}. */
final class SummaryPoints {
    private SummaryPoints() {
    }

    static void translate(SeriesEmitter out, MetricNamer.FamilyNames names, List<SummaryDataPoint> points) {
        for (int i = 0, n = points.size(); i < n; i++) {
            SummaryDataPoint p = points.get(i);
            int quantiles = p.getQuantileValuesCount();
            if (!out.beginPoint(p.getAttributesList(), p.getTimeUnixNano(), p.getFlags(), 0, 1, quantiles + 2)) {
                continue;
            }
            String problem = null;
            for (int q = 0; q < quantiles && problem == null; q++) {
                double quantile = p.getQuantileValues(q).getQuantile();
                if (!(quantile >= 0 && quantile <= 1)) {
                    problem = "quantile " + quantile + " is outside [0, 1]";
                }
            }
            if (problem != null) {
                out.rejectPoint(RejectCause.INVALID_POINT, quantiles + 2, problem);
                continue;
            }
            for (int q = 0; q < quantiles; q++) {
                SummaryDataPoint.ValueAtQuantile v = p.getQuantileValues(q);
                out.sample(names.family(), "quantile", FloatLabels.format(v.getQuantile()), v.getValue());
            }
            out.sample(names.sum(), p.getSum());
            out.sample(names.count(), p.getCount());
            out.endPoint();
        }
    }
}
