package io.sightline.query.logql;

import io.sightline.storage.model.Labels;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An intermediate metric result: one value per step per series, NaN where a series has no point.
 * A scalar is one unlabelled row with {@code isScalar} set.
 */
final class StepSeries {
    final boolean isScalar;
    final Map<Labels, double[]> series;

    StepSeries(boolean isScalar, Map<Labels, double[]> series) {
        this.isScalar = isScalar;
        this.series = series;
    }

    static StepSeries scalar(double v, int steps) {
        double[] values = new double[steps];
        java.util.Arrays.fill(values, v);
        Map<Labels, double[]> m = new LinkedHashMap<>();
        m.put(Labels.EMPTY, values);
        return new StepSeries(true, m);
    }

    double[] scalarValues() {
        return series.values().iterator().next();
    }
}
