package io.sightline.query.promql.function;

/**
 * The quantile of a classic histogram from its cumulative {@code le} buckets, as Prometheus computes it:
 * buckets sorted by bound, equal bounds merged, non-monotonic counts forced monotonic, tiny float deltas
 * ignored, linear interpolation inside the bucket, and the +Inf bucket required.
 */
public final class BucketQuantile {
    private static final double SMALL_DELTA_TOLERANCE = 1e-12;

    private BucketQuantile() {
    }

    /**
     * Sorts {@code upper/counts[0..n)} in place and returns the quantile (NaN when undefined);
     * {@code forcedMonotonic[0]} is set when decreasing counts had to be fixed.
     */
    public static double quantile(double q, double[] upper, double[] counts, int n, boolean[] forcedMonotonic) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        n = normalize(upper, counts, n, forcedMonotonic);
        if (n < 2) {
            return Double.NaN;
        }
        double observations = counts[n - 1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        while (b < n - 1 && !(counts[b] >= rank)) {
            b++;
        }
        if (b == n - 1) {
            return upper[n - 2];
        }
        if (b == 0 && upper[0] <= 0) {
            return upper[0];
        }
        double start = 0;
        double end = upper[b];
        double count = counts[b];
        if (b > 0) {
            start = upper[b - 1];
            count -= counts[b - 1];
            rank -= counts[b - 1];
        }
        return start + (end - start) * (rank / count);
    }

    /**
     * The fraction of observations between {@code lower} and {@code upper}, interpolating linearly inside
     * finite buckets; the first bucket spans [0, le] when le > 0, and a bucket of infinite width contributes
     * only when the range covers it whole. Sorts the arrays in place.
     */
    public static double fraction(double lower, double upper, double[] bounds, double[] counts, int n) {
        n = normalize(bounds, counts, n, new boolean[1]);
        if (n < 1) {
            return Double.NaN;
        }
        double total = counts[n - 1];
        if (total == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
            return Double.NaN;
        }
        if (lower >= upper) {
            return 0;
        }
        double covered = rank(upper, false, lower == Double.NEGATIVE_INFINITY, bounds, counts, n)
                - rank(lower, true, upper == Double.POSITIVE_INFINITY, bounds, counts, n);
        return Math.max(0, covered) / total;
    }

    /**
     * Observations at or below {@code x}. An edge inside a bucket of infinite width takes none of it, unless
     * the other edge is that bucket's infinite end ({@code openEnded}), which takes all of it.
     */
    private static double rank(double x, boolean lowerEdge, boolean openEnded, double[] bounds, double[] counts,
                               int n) {
        if (x == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return counts[n - 1];
        }
        for (int i = 0; i < n; i++) {
            double lb = i == 0 ? (bounds[0] > 0 ? 0 : Double.NEGATIVE_INFINITY) : bounds[i - 1];
            double prev = i == 0 ? 0 : counts[i - 1];
            if (x <= lb) {
                return prev;
            }
            if (x <= bounds[i]) {
                if (x == bounds[i]) {
                    return counts[i];
                }
                if (Double.isInfinite(lb) || Double.isInfinite(bounds[i])) {
                    return lowerEdge != openEnded ? counts[i] : prev;
                }
                return prev + (counts[i] - prev) * (x - lb) / (bounds[i] - lb);
            }
        }
        return counts[n - 1];
    }

    /**
     * Sorts by bound, merges equal bounds and forces counts monotonic; returns the new bucket count, or 0 when
     * there are no buckets or no +Inf bucket.
     */
    private static int normalize(double[] bounds, double[] counts, int n, boolean[] forcedMonotonic) {
        if (n == 0) {
            return 0;
        }
        sortByBound(bounds, counts, n);
        if (bounds[n - 1] != Double.POSITIVE_INFINITY) {
            return 0;
        }
        n = coalesce(bounds, counts, n);
        forcedMonotonic[0] |= ensureMonotonic(counts, n);
        return n;
    }

    private static void sortByBound(double[] upper, double[] counts, int n) {
        for (int i = 1; i < n; i++) {
            double u = upper[i];
            double c = counts[i];
            int j = i - 1;
            while (j >= 0 && upper[j] > u) {
                upper[j + 1] = upper[j];
                counts[j + 1] = counts[j];
                j--;
            }
            upper[j + 1] = u;
            counts[j + 1] = c;
        }
    }

    private static int coalesce(double[] upper, double[] counts, int n) {
        int w = 0;
        for (int i = 0; i < n; i++) {
            if (w > 0 && upper[w - 1] == upper[i]) {
                counts[w - 1] += counts[i];
            } else {
                upper[w] = upper[i];
                counts[w] = counts[i];
                w++;
            }
        }
        return w;
    }

    private static boolean ensureMonotonic(double[] counts, int n) {
        boolean forced = false;
        double prev = counts[0];
        for (int i = 1; i < n; i++) {
            double cur = counts[i];
            if (cur == prev) {
                continue;
            }
            if (almostEqual(prev, cur)) {
                counts[i] = prev;
                continue;
            }
            if (cur < prev) {
                counts[i] = prev;
                forced = true;
                continue;
            }
            prev = cur;
        }
        return forced;
    }

    private static boolean almostEqual(double a, double b) {
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < Double.MIN_NORMAL) {
            return diff < SMALL_DELTA_TOLERANCE * Double.MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < SMALL_DELTA_TOLERANCE;
    }
}
