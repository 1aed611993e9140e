package io.sightline.query.promql.function;

import io.sightline.storage.model.Labels;

/**
 * One series of an instant-vector result over all evaluation steps: {@code values[i]} is defined where
 * {@code present[i]}. With delayed name removal (Prometheus 3), functions and arithmetic keep
 * {@code __name__} in {@code labels} and set {@code dropName}; the engine drops it at the end.
 */
public final class StepSeries {
    public Labels labels;
    public final double[] values;
    public final boolean[] present;
    public boolean dropName;
    /** Sample timestamps (ms) for selector results, for {@code timestamp()}; else null. */
    public long[] sampleTimes;

    public StepSeries(Labels labels, int steps) {
        this.labels = labels;
        this.values = new double[steps];
        this.present = new boolean[steps];
    }

    public void set(int step, double v) {
        values[step] = v;
        present[step] = true;
    }

    /** Whether any step has a value. */
    public boolean any() {
        for (boolean p : present) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    /** A copy with the same labels and flags but no values. */
    public StepSeries emptyLike() {
        StepSeries s = new StepSeries(labels, values.length);
        s.dropName = dropName;
        return s;
    }
}
