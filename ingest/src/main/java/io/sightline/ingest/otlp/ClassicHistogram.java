package io.sightline.ingest.otlp;

import java.util.Arrays;

/**
 * A classic (explicit-bound) histogram being translated: ascending upper bounds and per-bucket (not yet
 * cumulative) counts, the last bucket being the implicit {@code +Inf}. A mutable holder reused across
 * points (see {@link #reset(int)}); not thread-safe.
 */
final class ClassicHistogram {
    double[] bounds = new double[16];
    /** bounds.length + 1 buckets; counts[n] is the overflow bucket above the last bound. */
    long[] counts = new long[17];
    int n;
    long count;
    double sum;
    boolean hasSum;

    /** Clears to {@code bounds} bounds with zero counts. */
    void reset(int boundCount) {
        if (bounds.length < boundCount) {
            bounds = new double[boundCount];
            counts = new long[boundCount + 1];
        }
        n = boundCount;
        Arrays.fill(counts, 0, boundCount + 1, 0L);
        count = 0;
        sum = 0;
        hasSum = false;
    }

    ClassicHistogram copy() {
        ClassicHistogram c = new ClassicHistogram();
        c.bounds = Arrays.copyOf(bounds, n);
        c.counts = Arrays.copyOf(counts, n + 1);
        c.n = n;
        c.count = count;
        c.sum = sum;
        c.hasSum = hasSum;
        return c;
    }

    boolean sameBounds(ClassicHistogram o) {
        return n == o.n && Arrays.equals(bounds, 0, n, o.bounds, 0, n);
    }

    /** Adds {@code delta} into this one; both must have the same bounds. */
    void add(ClassicHistogram delta) {
        for (int i = 0; i <= n; i++) {
            counts[i] += delta.counts[i];
        }
        count += delta.count;
        sum += delta.sum;
        hasSum |= delta.hasSum;
    }

    /** Copies {@code from} into this one, reusing the arrays when they are large enough. */
    void set(ClassicHistogram from) {
        reset(from.n);
        System.arraycopy(from.bounds, 0, bounds, 0, from.n);
        System.arraycopy(from.counts, 0, counts, 0, from.n + 1);
        count = from.count;
        sum = from.sum;
        hasSum = from.hasSum;
    }
}
