package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.Expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Prometheus's experimental extended range selectors. {@code anchored}: the window's samples plus the last
 * sample before it (within the lookback), without extrapolation. {@code smoothed}: values interpolated at both
 * window edges (a counter reset between two samples interpolates from zero), without extrapolation.
 */
final class ExtendedRange {
    private static final Set<String> ANCHORED = Set.of("changes", "delta", "increase", "rate", "resets");
    private static final Set<String> SMOOTHED = Set.of("delta", "increase", "rate");

    private ExtendedRange() {
    }

    static List<StepSeries> eval(Evaluator ev, String fn, Expr.MatrixSelector ms, long[] times) {
        boolean anchored = ms.mode() == Expr.RangeMode.ANCHORED;
        if (!(anchored ? ANCHORED : SMOOTHED).contains(fn)) {
            throw Evaluator.execError(anchored
                    ? "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with " + fn
                    : "smoothed modifier can only be used with: delta, increase, rate - not with " + fn);
        }
        long[] ends = ev.windowEnds(ms.selector().mod(), times);
        long range = ms.rangeMillis();
        long lookback = ev.ctx.lookbackMillis;
        long minT = Evaluator.min(ends) - range - lookback + 1;
        long maxT = Evaluator.max(ends) + (anchored ? 0 : lookback);
        SelectorData d = SelectorLoader.load(ev.ctx, ms.selector().matchers(), minT, maxT, true);
        boolean counter = !fn.equals("delta");
        List<StepSeries> out = new ArrayList<>();
        for (int s = 0; s < d.size(); s++) {
            ev.ctx.tick();
            int from = d.offsets[s];
            int to = d.offsets[s + 1];
            StepSeries o = new StepSeries(d.labels[s], times.length);
            o.dropName = true;
            for (int i = 0; i < ends.length; i++) {
                long end = ends[i];
                long start = end - range;
                int lo = firstAfter(d.ts, from, to, start);
                int hi = firstAfter(d.ts, from, to, end);
                double v;
                if (anchored) {
                    if (lo >= hi) {
                        continue;
                    }
                    int first = lo > from && d.ts[lo - 1] > start - lookback ? lo - 1 : lo;
                    v = anchoredValue(fn, d.values, first, hi, range);
                } else {
                    // Empty when all data lies before the window or all after it.
                    double vs = valueAt(d.ts, d.values, from, to, start, lookback, counter, false, true);
                    double ve = valueAt(d.ts, d.values, from, to, end, lookback, counter, true, false);
                    if (Double.isNaN(vs) || Double.isNaN(ve)) {
                        continue;
                    }
                    int inner = hi > lo && d.ts[hi - 1] == end ? hi - 1 : hi; // the sample at end is ve itself
                    v = smoothedValue(fn, vs, d.values, lo, inner, ve, range);
                }
                o.set(i, v);
            }
            if (o.any()) {
                out.add(o);
            }
        }
        ev.ctx.releaseSamples(d.sampleCount());
        ev.ctx.buffers.release(d.buffer);
        return out;
    }

    private static int firstAfter(long[] ts, int from, int to, long t) {
        int idx = java.util.Arrays.binarySearch(ts, from, to, t);
        if (idx < 0) {
            return -idx - 1;
        }
        while (idx < to && ts[idx] <= t) {
            idx++;
        }
        return idx;
    }

    private static double anchoredValue(String fn, double[] v, int first, int hi, long range) {
        double resets = 0;
        int resetCount = 0;
        int changes = 0;
        for (int k = first + 1; k < hi; k++) {
            if (v[k] < v[k - 1]) {
                resets += v[k - 1];
                resetCount++;
            }
            if (v[k] != v[k - 1] && !(Double.isNaN(v[k]) && Double.isNaN(v[k - 1]))) {
                changes++;
            }
        }
        double diff = v[hi - 1] - v[first];
        return switch (fn) {
            case "increase" -> diff + resets;
            case "rate" -> (diff + resets) / (range / 1000.0);
            case "delta" -> diff;
            case "changes" -> changes;
            default -> resetCount;
        };
    }

    private static double smoothedValue(String fn, double vs, double[] v, int lo, int inner, double ve, long range) {
        if (fn.equals("delta")) {
            return ve - vs;
        }
        double resets = 0;
        double prev = vs;
        for (int k = lo; k < inner; k++) {
            if (v[k] < prev) {
                resets += prev;
            }
            prev = v[k];
        }
        if (ve < prev) {
            resets += prev;
        }
        double increase = ve - vs + resets;
        return fn.equals("rate") ? increase / (range / 1000.0) : increase;
    }

    /**
     * The value at {@code t}: interpolated between its neighbours within the lookback, else the one neighbour
     * there is (unless {@code needBefore}/{@code needAfter} demands one on that side); NaN when none.
     */
    static double valueAt(long[] ts, double[] v, int from, int to, long t, long lookback, boolean counter,
                          boolean needBefore, boolean needAfter) {
        int n = firstAfter(ts, from, to, t);
        int p = n - 1;
        boolean hasP = p >= from && ts[p] > t - lookback;
        boolean hasN = n < to && ts[n] - t < lookback;
        if (hasP && ts[p] == t) {
            return v[p];
        }
        if ((needBefore && !hasP) || (needAfter && !hasN)) {
            return Double.NaN;
        }
        if (hasP && hasN) {
            double f = (double) (t - ts[p]) / (ts[n] - ts[p]);
            if (counter && v[n] < v[p]) {
                return v[n] * f; // a reset between them: the counter restarted from zero
            }
            return v[p] + (v[n] - v[p]) * f;
        }
        if (hasP) {
            return v[p];
        }
        return hasN ? v[n] : Double.NaN;
    }
}
