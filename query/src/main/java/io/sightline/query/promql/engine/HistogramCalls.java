package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.BucketQuantile;
import io.sightline.query.promql.function.MathUtil;
import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.Expr;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Functions over classic histograms ({@code le} bucket series): histogram_quantile, histogram_quantiles and
 * histogram_fraction.
 */
final class HistogramCalls {
    private final Evaluator ev;
    private final CallEvaluator calls;

    HistogramCalls(Evaluator ev, CallEvaluator calls) {
        this.ev = ev;
        this.calls = calls;
    }

    List<StepSeries> histogramQuantile(Expr.Call c, long[] times) {
        Scalars q = ev.evalScalar(c.args().get(0), times);
        calls.checkQuantile(q, c.args().get(0));
        return bucketQuantiles(q, ev.evalVector(c.args().get(1), times), c.args().get(1), times.length);
    }

    /**
     * {@code histogram_quantiles(v, "label", q1, q2, ...)} (experimental): one histogram_quantile per
     * quantile, each result labelled {@code label="q"}.
     */
    List<StepSeries> histogramQuantiles(Expr.Call c, long[] times) {
        List<StepSeries> in = ev.evalVector(c.args().get(0), times);
        String label = calls.stringArg(c.args().get(1), times);
        List<StepSeries> out = new ArrayList<>();
        for (int k = 2; k < c.args().size(); k++) {
            Scalars q = ev.evalScalar(c.args().get(k), times);
            calls.checkQuantile(q, c.args().get(k));
            for (StepSeries s : bucketQuantiles(q, in, c.args().get(0), times.length)) {
                s.labels = s.labels.toBuilder().set(label, quantileLabel(q.values()[0])).build();
                out.add(s);
            }
        }
        return CallEvaluator.merge(out, times.length);
    }

    /** A quantile as a label value, always with a decimal point: 0 -> "0.0", 0.25 -> "0.25". */
    private static String quantileLabel(double q) {
        String s = MathUtil.formatFloat(q);
        return s.matches("-?\\d+") ? s + ".0" : s;
    }

    /** One step of a classic-histogram function over a group's buckets (unsorted, {@code n} of them). */
    private interface BucketFunction {
        double apply(int step, double[] upper, double[] counts, int n, boolean[] forcedMonotonic);
    }

    private List<StepSeries> bucketQuantiles(Scalars q, List<StepSeries> in, Expr vector, int steps) {
        return perHistogram(in, vector, steps,
                (i, upper, counts, n, forced) -> BucketQuantile.quantile(q.values()[i], upper, counts, n, forced));
    }

    /** {@code histogram_fraction(lower, upper, v)} over classic {@code le} buckets. */
    List<StepSeries> histogramFraction(Expr.Call c, long[] times) {
        double[] lower = ev.evalScalar(c.args().get(0), times).values();
        double[] upper = ev.evalScalar(c.args().get(1), times).values();
        Expr vector = c.args().get(2);
        return perHistogram(ev.evalVector(vector, times), vector, times.length,
                (i, ub, counts, n, forced) -> BucketQuantile.fraction(lower[i], upper[i], ub, counts, n));
    }

    /** Groups bucket series by their labels without {@code le} and applies {@code fn} per group and step. */
    private List<StepSeries> perHistogram(List<StepSeries> in, Expr vector, int steps, BucketFunction fn) {
        Map<Labels, List<StepSeries>> groups = new LinkedHashMap<>();
        Map<StepSeries, Double> bounds = new java.util.HashMap<>();
        boolean[] forced = new boolean[1];
        for (StepSeries s : in) {
            String le = s.labels.get("le");
            Double bound = le == null ? null : parseBound(le);
            if (bound == null) {
                ev.ctx.warn("bucket label \"le\" is missing or has a malformed value of \"" + (le == null ? "" : le)
                        + "\" for metric name \"" + nameOf(s.labels) + "\"", vector.pos());
                continue;
            }
            bounds.put(s, bound);
            groups.computeIfAbsent(s.labels.toBuilder().remove("le").build(), k -> new ArrayList<>()).add(s);
        }
        List<StepSeries> out = new ArrayList<>();
        double[] upper = new double[16];
        double[] counts = new double[16];
        for (Map.Entry<Labels, List<StepSeries>> g : groups.entrySet()) {
            List<StepSeries> members = g.getValue();
            if (upper.length < members.size()) {
                upper = new double[members.size()];
                counts = new double[members.size()];
            }
            StepSeries o = new StepSeries(g.getKey(), steps);
            o.dropName = true;
            for (int i = 0; i < steps; i++) {
                int n = 0;
                for (StepSeries s : members) {
                    if (s.present[i]) {
                        upper[n] = bounds.get(s);
                        counts[n] = s.values[i];
                        n++;
                    }
                }
                if (n > 0) {
                    forced[0] = false;
                    o.set(i, fn.apply(i, upper, counts, n, forced));
                    if (forced[0]) {
                        ev.ctx.info("input to histogram_quantile needed to be fixed for monotonicity (see "
                                + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) "
                                + "for metric name \"" + nameOf(g.getKey()) + "\"", vector.pos());
                    }
                }
            }
            if (o.any()) {
                out.add(o);
            }
        }
        return out;
    }

    private static String nameOf(Labels l) {
        String n = l.metricName();
        return n == null ? "" : n;
    }

    private static Double parseBound(String le) {
        String l = le.trim().toLowerCase();
        return switch (l) {
            case "+inf", "inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(le);
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
        };
    }
}
