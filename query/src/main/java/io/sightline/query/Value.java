package io.sightline.query;

import io.sightline.storage.model.Labels;

import java.util.List;

/** A PromQL value as the API returns it. */
public sealed interface Value {
    /** Prometheus's {@code resultType}. */
    String resultType();

    record Scalar(long timestampMillis, double value) implements Value {
        public String resultType() {
            return "scalar";
        }
    }

    record StringValue(long timestampMillis, String value) implements Value {
        public String resultType() {
            return "string";
        }
    }

    /** One sample per series at the evaluation time. */
    record Vector(List<Sample> samples) implements Value {
        public String resultType() {
            return "vector";
        }
    }

    /** Series of points, each series sorted by labels. */
    record Matrix(List<SeriesPoints> series) implements Value {
        public String resultType() {
            return "matrix";
        }
    }

    record Sample(Labels labels, long timestampMillis, double value) {
    }

    /** {@code timestamps[i], values[i]} for i < count. */
    record SeriesPoints(Labels labels, long[] timestamps, double[] values, int count) {
    }
}
