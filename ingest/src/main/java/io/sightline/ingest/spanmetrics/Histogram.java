package io.sightline.ingest.spanmetrics;

import io.sightline.ingest.otlp.FloatLabels;
import io.sightline.storage.model.Labels;

import java.util.Arrays;

/**
 * One classic histogram's state: cumulative bucket counts for the finite bounds, the count (the {@code +Inf}
 * bucket) and the sum, in seconds. Not thread-safe: the owning cell synchronises. Series order, as written and
 * restored: {@code _bucket} per bound, {@code _bucket{le="+Inf"}}, {@code _sum}, {@code _count}.
 */
final class Histogram {
    private final double[] bounds;
    private final long[] cumulative;
    private long count;
    private double sum;

    Histogram(double[] bounds) {
        this.bounds = bounds;
        this.cumulative = new long[bounds.length];
    }

    /** How many series the histogram writes. */
    static int seriesCount(double[] bounds) {
        return bounds.length + 3;
    }

    /** The labels of every series, in series order; {@code base} has no {@code __name__}. */
    static void labels(String family, double[] bounds, Labels base, Labels[] out, int from) {
        Labels.Builder b = base.toBuilder().set(Labels.METRIC_NAME, family + "_bucket");
        for (int i = 0; i < bounds.length; i++) {
            out[from + i] = b.set("le", FloatLabels.format(bounds[i])).build();
        }
        out[from + bounds.length] = b.set("le", "+Inf").build();
        b.remove("le");
        out[from + bounds.length + 1] = b.set(Labels.METRIC_NAME, family + "_sum").build();
        out[from + bounds.length + 2] = b.set(Labels.METRIC_NAME, family + "_count").build();
    }

    void observe(double seconds) {
        // Bounds are few (Tempo's default has 14) so a linear scan from the first matching bound is cheapest.
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) {
            i++;
        }
        for (; i < bounds.length; i++) {
            cumulative[i]++;
        }
        count++;
        sum += seconds;
    }

    void values(double[] out, int from) {
        for (int i = 0; i < bounds.length; i++) {
            out[from + i] = cumulative[i];
        }
        out[from + bounds.length] = count;
        out[from + bounds.length + 1] = sum;
        out[from + bounds.length + 2] = count;
    }

    /** Sets the value of series {@code i} (series order) from a stored sample. */
    void restore(int i, double value) {
        if (i < bounds.length) {
            cumulative[i] = (long) value;
        } else if (i == bounds.length || i == bounds.length + 2) {
            count = (long) value;
        } else {
            sum = value;
        }
    }

    long count() {
        return count;
    }

    @Override
    public String toString() {
        return "Histogram[count=" + count + ", sum=" + sum + ", cumulative=" + Arrays.toString(cumulative) + "]";
    }
}
