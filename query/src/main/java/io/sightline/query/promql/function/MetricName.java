package io.sightline.query.promql.function;

import io.sightline.storage.model.Labels;

/**
 * The metric identity labels: {@code __name__} plus the {@code __type__} and {@code __unit__} metadata
 * labels (Prometheus's type-and-unit labels), which go wherever the name goes.
 */
public final class MetricName {
    public static final String TYPE = "__type__";
    public static final String UNIT = "__unit__";

    private MetricName() {
    }

    public static boolean isIdentity(String label) {
        return label.equals(Labels.METRIC_NAME) || label.equals(TYPE) || label.equals(UNIT);
    }

    /** The labels without name, type and unit. */
    public static Labels drop(Labels l) {
        if (!l.has(Labels.METRIC_NAME) && !l.has(TYPE) && !l.has(UNIT)) {
            return l;
        }
        return l.toBuilder().remove(Labels.METRIC_NAME).remove(TYPE).remove(UNIT).build();
    }
}
