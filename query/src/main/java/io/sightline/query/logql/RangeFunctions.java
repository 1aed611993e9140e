package io.sightline.query.logql;

import java.util.Arrays;

/**
 * The {@code *_over_time} functions over one window {@code values[from, to)} of one series, whose
 * timestamps are sorted. NaN when the window is empty (the point is then omitted, as in Loki).
 */
final class RangeFunctions {
    private RangeFunctions() {
    }

    static double apply(String fn, double[] values, int from, int to, double rangeSeconds, double param) {
        int n = to - from;
        if (n <= 0) {
            return Double.NaN;
        }
        switch (fn) {
            case "count_over_time":
                return n;
            case "rate", "bytes_rate":
                return sum(values, from, to) / rangeSeconds;
            case "bytes_over_time", "sum_over_time":
                return sum(values, from, to);
            case "avg_over_time":
                return sum(values, from, to) / n;
            case "min_over_time": {
                double m = Double.POSITIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    m = Math.min(m, values[i]);
                }
                return m;
            }
            case "max_over_time": {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    m = Math.max(m, values[i]);
                }
                return m;
            }
            case "stddev_over_time":
                return Math.sqrt(variance(values, from, to));
            case "stdvar_over_time":
                return variance(values, from, to);
            case "first_over_time":
                return values[from];
            case "last_over_time":
                return values[to - 1];
            case "quantile_over_time":
                return quantile(param, Arrays.copyOfRange(values, from, to));
            case "rate_counter": {
                double increase = 0;
                for (int i = from + 1; i < to; i++) {
                    double d = values[i] - values[i - 1];
                    increase += d >= 0 ? d : values[i]; // a reset starts from zero
                }
                return increase / rangeSeconds;
            }
            default:
                throw new IllegalStateException("BUG: unknown range function " + fn);
        }
    }

    private static double sum(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s;
    }

    private static double variance(double[] v, int from, int to) {
        double mean = sum(v, from, to) / (to - from);
        double sq = 0;
        for (int i = from; i < to; i++) {
            sq += (v[i] - mean) * (v[i] - mean);
        }
        return sq / (to - from);
    }

    /** Prometheus's quantile: linear interpolation between closest ranks. */
    static double quantile(double q, double[] v) {
        if (v.length == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        Arrays.sort(v);
        double rank = q * (v.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, v.length - 1);
        double w = rank - lo;
        return v[lo] * (1 - w) + v[hi] * w;
    }
}
