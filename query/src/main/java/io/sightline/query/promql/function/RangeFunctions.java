package io.sightline.query.promql.function;

import java.util.HashMap;
import java.util.Map;

/** The table of range-vector functions, each a small closed object, as Prometheus defines them. */
public final class RangeFunctions {
    private static final Map<String, RangeFunction> TABLE = new HashMap<>();

    static {
        TABLE.put("rate", counter(true));
        TABLE.put("increase", counter(false));
        TABLE.put("delta", w -> extrapolatedRate(w, false, false));
        TABLE.put("irate", w -> instantValue(w, true));
        TABLE.put("idelta", w -> instantValue(w, false));
        TABLE.put("deriv", RangeFunctions::deriv);
        TABLE.put("predict_linear", RangeFunctions::predictLinear);
        TABLE.put("changes", RangeFunctions::changes);
        TABLE.put("resets", RangeFunctions::resets);
        TABLE.put("avg_over_time", RangeFunctions::avg);
        TABLE.put("sum_over_time", RangeFunctions::sum);
        TABLE.put("count_over_time", w -> result(w, w.count()));
        TABLE.put("present_over_time", w -> result(w, 1));
        TABLE.put("min_over_time", w -> minMax(w, false));
        TABLE.put("max_over_time", w -> minMax(w, true));
        TABLE.put("stddev_over_time", w -> stdvar(w, true));
        TABLE.put("stdvar_over_time", w -> stdvar(w, false));
        TABLE.put("quantile_over_time", RangeFunctions::quantile);
        TABLE.put("mad_over_time", RangeFunctions::mad);
        TABLE.put("double_exponential_smoothing", RangeFunctions::doubleExponentialSmoothing);
        TABLE.put("ts_of_last_over_time", w -> result(w, w.ts[w.hi - 1] / 1000.0));
        TABLE.put("ts_of_first_over_time", w -> result(w, w.ts[w.lo] / 1000.0));
        TABLE.put("ts_of_max_over_time", w -> tsOfExtreme(w, true));
        TABLE.put("ts_of_min_over_time", w -> tsOfExtreme(w, false));
        TABLE.put("last_over_time", keepingName(w -> result(w, w.values[w.hi - 1])));
        TABLE.put("first_over_time", keepingName(w -> result(w, w.values[w.lo])));
    }

    private RangeFunctions() {
    }

    /** The function, or null when {@code name} is not a range function. */
    public static RangeFunction get(String name) {
        return TABLE.get(name);
    }

    private static RangeFunction keepingName(RangeFunction f) {
        return new RangeFunction() {
            @Override
            public boolean apply(Window w) {
                return f.apply(w);
            }

            @Override
            public boolean dropsName() {
                return false;
            }
        };
    }

    /**
     * rate and increase: counter resets are prefix-summed once per series, so each step costs O(1) instead
     * of a pass over its window.
     */
    private static RangeFunction counter(boolean rate) {
        return new RangeFunction() {
            @Override
            public void prepare(Window w, int from, int to) {
                int n = to - from;
                if (w.resetPrefix.length < n) {
                    w.resetPrefix = new double[Math.max(n, w.resetPrefix.length * 2)];
                }
                double[] p = w.resetPrefix;
                w.prefixFrom = from;
                double sum = 0;
                for (int k = from; k < to; k++) {
                    if (k > from && w.values[k] < w.values[k - 1]) {
                        sum += w.values[k - 1];
                    }
                    p[k - from] = sum;
                }
            }

            @Override
            public boolean apply(Window w) {
                return extrapolatedRate(w, true, rate);
            }
        };
    }

    private static boolean result(Window w, double v) {
        w.result = v;
        return true;
    }

    static boolean extrapolatedRate(Window w, boolean counter, boolean rate) {
        int n = w.count();
        if (n < 2) {
            return false;
        }
        double first = w.values[w.lo];
        double last = w.values[w.hi - 1];
        double result = last - first;
        if (counter) {
            // Sum of pre-reset values inside the window, from the per-series prefix.
            result += w.resetPrefix[w.hi - 1 - w.prefixFrom] - w.resetPrefix[w.lo - w.prefixFrom];
        }
        long firstT = w.ts[w.lo];
        long lastT = w.ts[w.hi - 1];
        WindowShape shape = w.shape;
        if (!shape.is(n, lastT - firstT, firstT - w.start, w.end - lastT, rate, w.rangeSeconds)) {
            shape.derive(n, lastT - firstT, firstT - w.start, w.end - lastT, rate, w.rangeSeconds);
        }
        double factor = shape.factor;
        if (counter && result > 0 && first >= 0
                && !zeroFarBeforeWindow(first, shape.sampled, result, shape.toStart)) {
            double toZero = shape.sampled * (first / result);
            if (toZero < shape.toStart) {
                factor = WindowShape.factor(shape.sampled, toZero, shape.toEnd, rate, w.rangeSeconds);
            }
        }
        w.result = result * factor;
        return true;
    }

    /**
     * Whether {@code sampled * (first / result)} (the time back to a zero count) surely exceeds {@code toStart},
     * decided with products instead of a division per step: a 2x margin dwarfs the rounding of the products,
     * which only holds for finite, normal ones; otherwise the caller takes the exact path.
     */
    private static boolean zeroFarBeforeWindow(double first, double sampled, double result, double toStart) {
        double zeroSide = first * sampled;
        double startSide = 2 * toStart * result;
        return zeroSide > startSide && startSide >= Double.MIN_NORMAL && zeroSide != Double.POSITIVE_INFINITY;
    }

    static boolean instantValue(Window w, boolean rate) {
        if (w.count() < 2) {
            return false;
        }
        double last = w.values[w.hi - 1];
        double prev = w.values[w.hi - 2];
        double v = rate && last < prev ? last : last - prev;
        long interval = w.ts[w.hi - 1] - w.ts[w.hi - 2];
        if (interval == 0) {
            return false;
        }
        if (rate) {
            v /= interval / 1000.0;
        }
        w.result = v;
        return true;
    }

    private static boolean deriv(Window w) {
        if (w.count() < 2) {
            return false;
        }
        MathUtil.linearRegression(w, w.ts[w.lo], w.pair);
        w.result = w.pair[0];
        return true;
    }

    private static boolean predictLinear(Window w) {
        if (w.count() < 2) {
            return false;
        }
        MathUtil.linearRegression(w, w.evalTime, w.pair);
        w.result = w.pair[0] * w.args[0] + w.pair[1];
        return true;
    }

    private static boolean changes(Window w) {
        int c = 0;
        for (int i = w.lo + 1; i < w.hi; i++) {
            double cur = w.values[i];
            double prev = w.values[i - 1];
            if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                c++;
            }
        }
        w.result = c;
        return true;
    }

    private static boolean resets(Window w) {
        int c = 0;
        for (int i = w.lo + 1; i < w.hi; i++) {
            if (w.values[i] < w.values[i - 1]) {
                c++;
            }
        }
        w.result = c;
        return true;
    }

    private static boolean sum(Window w) {
        double[] c = w.comp;
        c[0] = 0;
        double s = 0;
        for (int i = w.lo; i < w.hi; i++) {
            s = MathUtil.kahanInc(w.values[i], s, c, 0);
        }
        w.result = s + c[0];
        return true;
    }

    private static boolean avg(Window w) {
        MeanAccumulator m = w.mean;
        m.reset();
        for (int i = w.lo; i < w.hi; i++) {
            m.add(w.values[i]);
        }
        w.result = m.result();
        return true;
    }

    private static boolean minMax(Window w, boolean max) {
        double r = w.values[w.lo];
        for (int i = w.lo; i < w.hi; i++) {
            double f = w.values[i];
            if ((max ? f > r : f < r) || Double.isNaN(r)) {
                r = f;
            }
        }
        w.result = r;
        return true;
    }

    private static boolean tsOfExtreme(Window w, boolean max) {
        double r = w.values[w.lo];
        long t = w.ts[w.lo];
        for (int i = w.lo; i < w.hi; i++) {
            double f = w.values[i];
            if ((max ? f >= r : f <= r) || Double.isNaN(r)) {
                r = f;
                t = w.ts[i];
            }
        }
        w.result = t / 1000.0;
        return true;
    }

    private static boolean stdvar(Window w, boolean sqrt) {
        double[] c = w.comp;
        c[0] = 0;
        c[1] = 0;
        double count = 0;
        double mean = 0;
        double aux = 0;
        for (int i = w.lo; i < w.hi; i++) {
            double f = w.values[i];
            count++;
            double delta = f - (mean + c[0]);
            mean = MathUtil.kahanInc(delta / count, mean, c, 0);
            aux = MathUtil.kahanInc(delta * (f - (mean + c[0])), aux, c, 1);
        }
        double var = (aux + c[1]) / count;
        w.result = sqrt ? Math.sqrt(var) : var;
        return true;
    }

    private static boolean quantile(Window w) {
        int n = w.count();
        double[] buf = w.scratch(n);
        System.arraycopy(w.values, w.lo, buf, 0, n);
        w.result = MathUtil.quantile(w.args[0], buf, n);
        return true;
    }

    private static boolean mad(Window w) {
        int n = w.count();
        double[] buf = w.scratch(n);
        System.arraycopy(w.values, w.lo, buf, 0, n);
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(buf[i])) {
                w.result = Double.NaN;
                return true;
            }
        }
        double median = MathUtil.quantile(0.5, buf, n);
        for (int i = 0; i < n; i++) {
            buf[i] = Math.abs(w.values[w.lo + i] - median);
        }
        w.result = MathUtil.quantile(0.5, buf, n);
        return true;
    }

    private static boolean doubleExponentialSmoothing(Window w) {
        double sf = w.args[0];
        double tf = w.args[1];
        if (w.count() < 2) {
            return false;
        }
        double s0 = 0;
        double s1 = w.values[w.lo];
        double b = w.values[w.lo + 1] - w.values[w.lo];
        for (int i = 1; i < w.count(); i++) {
            double x = sf * w.values[w.lo + i];
            if (i - 1 != 0) {
                b = tf * (s1 - s0) + (1 - tf) * b;
            }
            double y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }
        w.result = s1;
        return true;
    }
}
