package io.sightline.query.promql.function;

import java.util.Arrays;

/** Numeric helpers shared by functions and aggregations, matching Prometheus's float behaviour. */
public final class MathUtil {
    private MathUtil() {
    }

    /** Kahan-Neumaier step: returns the new sum; {@code c[0]} carries the compensation. */
    public static double kahanInc(double inc, double sum, double[] c) {
        return kahanInc(inc, sum, c, 0);
    }

    /** Kahan-Neumaier step with the compensation in {@code c[i]}. */
    public static double kahanInc(double inc, double sum, double[] c, int i) {
        double t = sum + inc;
        if (Double.isInfinite(t)) {
            c[i] = 0;
        } else if (Math.abs(sum) >= Math.abs(inc)) {
            c[i] += (sum - t) + inc;
        } else {
            c[i] += (inc - t) + sum;
        }
        return t;
    }

    /**
     * Prometheus's quantile of {@code v[0..n)} (sorts the buffer; NaNs sort first).
     */
    public static double quantile(double q, double[] v, int n) {
        if (n == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(v, n);
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return v[(int) lower] * (1 - weight) + v[(int) upper] * weight;
    }

    static void sortNaNFirst(double[] v, int n) {
        int nan = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(v[i])) {
                nan++;
            }
        }
        if (nan == 0) {
            Arrays.sort(v, 0, n);
            return;
        }
        Arrays.sort(v, 0, n); // NaNs go last in Java
        System.arraycopy(v, 0, v, nan, n - nan);
        Arrays.fill(v, 0, nan, Double.NaN);
    }

    /** Go's {@code strconv.FormatFloat(f, 'f', -1, 64)} as Prometheus uses for count_values. */
    public static String formatFloat(double f) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == Math.rint(f) && Math.abs(f) < 1e15) {
            return Long.toString((long) f);
        }
        return new java.math.BigDecimal(Double.toString(f)).stripTrailingZeros().toPlainString();
    }

    /** Least-squares slope and intercept of the window, x in seconds relative to {@code interceptTime}. */
    static void linearRegression(Window w, long interceptTime, double[] out) {
        double n = 0;
        double sumX = 0;
        double sumY = 0;
        double sumXY = 0;
        double sumX2 = 0;
        double[] c = w.comp;
        Arrays.fill(c, 0);
        double initY = w.values[w.lo];
        boolean constY = true;
        for (int i = w.lo; i < w.hi; i++) {
            double y = w.values[i];
            if (constY && i > w.lo && y != initY) {
                constY = false;
            }
            n += 1;
            double x = (w.ts[i] - interceptTime) / 1e3;
            sumX = kahanInc(x, sumX, c, 0);
            sumY = kahanInc(y, sumY, c, 1);
            sumXY = kahanInc(x * y, sumXY, c, 2);
            sumX2 = kahanInc(x * x, sumX2, c, 3);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                out[0] = Double.NaN;
                out[1] = Double.NaN;
            } else {
                out[0] = 0;
                out[1] = initY;
            }
            return;
        }
        sumX += c[0];
        sumY += c[1];
        sumXY += c[2];
        sumX2 += c[3];
        double covXY = sumXY - sumX * sumY / n;
        double varX = sumX2 - sumX * sumX / n;
        double slope = covXY / varX;
        out[0] = slope;
        out[1] = sumY / n - slope * sumX / n;
    }
}
