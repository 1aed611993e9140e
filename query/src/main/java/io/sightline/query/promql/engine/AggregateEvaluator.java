package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.LabelFunctions;
import io.sightline.query.promql.function.MathUtil;
import io.sightline.query.promql.function.MeanAccumulator;
import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.AggregateOp;
import io.sightline.query.promql.parser.Expr;
import io.sightline.query.promql.parser.Strings;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Aggregation operators over groups of series, per step. */
final class AggregateEvaluator {
    private final Evaluator ev;

    AggregateEvaluator(Evaluator ev) {
        this.ev = ev;
    }

    Object eval(Expr.Aggregate a, long[] times) {
        int steps = times.length;
        Scalars param = null;
        String label = null;
        if (a.param() != null) {
            Object p = ev.eval(a.param(), times);
            if (p instanceof Scalars s) {
                param = s;
            } else {
                label = (String) p;
            }
        }
        if (isSeriesMajor(a.op())) {
            List<StepSeries> streamed = streamed(a, times);
            if (streamed != null) {
                return streamed;
            }
        }
        List<StepSeries> in = ev.evalVector(a.expr(), times);
        if (a.op() == AggregateOp.QUANTILE) {
            for (double q : param.values()) {
                if (!(q >= 0 && q <= 1)) {
                    ev.ctx.warn("quantile value should be between 0 and 1, got " + MathUtil.formatFloat(q), a.param().pos());
                    break;
                }
            }
        }
        if (a.op() == AggregateOp.COUNT_VALUES && !LabelFunctions.validLabelName(label)) {
            throw Evaluator.execError("invalid label name " + Strings.goQuote(label));
        }
        if (param != null && (a.op() == AggregateOp.TOPK || a.op() == AggregateOp.BOTTOMK || a.op() == AggregateOp.LIMITK)) {
            for (double k : param.values()) {
                if (Double.isNaN(k)) {
                    throw Evaluator.execError("Parameter value is NaN");
                }
            }
        }
        if (param != null && a.op() == AggregateOp.LIMIT_RATIO) {
            for (double k : param.values()) {
                if (Double.isNaN(k)) {
                    throw Evaluator.execError("Ratio value is NaN");
                }
            }
        }
        // Group the series once; labels do not change across steps.
        Grouping grouping = new Grouping(a);
        List<List<StepSeries>> members = new ArrayList<>();
        for (StepSeries s : in) {
            int g = grouping.groupOf(s.labels);
            if (g == members.size()) {
                members.add(new ArrayList<>());
            }
            members.get(g).add(s);
        }
        Map<Labels, List<StepSeries>> groups = new LinkedHashMap<>();
        for (int g = 0; g < members.size(); g++) {
            groups.put(grouping.labels(g), members.get(g));
        }
        return switch (a.op()) {
            case TOPK, BOTTOMK -> topk(groups, param, steps, a.op() == AggregateOp.TOPK);
            case LIMITK -> limitk(groups, param, steps);
            case LIMIT_RATIO -> limitRatio(in, param, a, steps);
            case COUNT_VALUES -> countValues(groups, label, steps);
            default -> simple(a.op(), groups, param, steps);
        };
    }

    private static boolean isSeriesMajor(AggregateOp op) {
        return op == AggregateOp.SUM || op == AggregateOp.COUNT || op == AggregateOp.GROUP
                || op == AggregateOp.MIN || op == AggregateOp.MAX;
    }

    /**
     * sum, count, group, min and max of a selector or range function: each series is folded into its group's
     * accumulator as it is produced, so no per-series step column is held (the same folds in the same order as
     * over the built vector, so the same result). Null when the argument cannot be streamed.
     */
    private List<StepSeries> streamed(Expr.Aggregate a, long[] times) {
        GroupFold folds = new GroupFold(a, times.length);
        if (!ev.stream(a.expr(), times, folds)) {
            return null;
        }
        List<StepSeries> out = new ArrayList<>(folds.outs.size());
        for (int g = 0; g < folds.outs.size(); g++) {
            StepSeries o = folds.outs.get(g);
            finish(o, folds.comps.get(g), times.length);
            if (o.any()) {
                out.add(o);
            }
        }
        return out;
    }

    /** The groups' per-step accumulators of a streamed aggregation. */
    private final class GroupFold implements GroupedSink {
        private final AggregateOp op;
        private final int steps;
        private final Grouping grouping;
        final List<StepSeries> outs = new ArrayList<>();
        final List<double[]> comps = new ArrayList<>();

        GroupFold(Expr.Aggregate a, int steps) {
            this.op = a.op();
            this.steps = steps;
            this.grouping = new Grouping(a);
        }

        @Override
        public void accept(StepSeries s) {
            fold(group(s.labels), s);
        }

        @Override
        public int[] groupsOf(List<Labels> labels) {
            int[] groups = new int[labels.size()];
            for (int k = 0; k < groups.length; k++) {
                groups[k] = group(labels.get(k));
            }
            return groups;
        }

        private int group(Labels l) {
            int g = grouping.groupOf(l);
            if (g == outs.size()) {
                ev.ctx.addSamples(steps);
                outs.add(new StepSeries(grouping.labels(g), steps));
                comps.add(op == AggregateOp.SUM ? new double[steps] : null);
            }
            return g;
        }

        @Override
        public void fold(int group, StepSeries s) {
            StepSeries o = outs.get(group);
            o.dropName |= s.dropName && o.labels.has(Labels.METRIC_NAME);
            AggregateEvaluator.fold(op, s, o, comps.get(group), steps);
        }
    }

    private List<StepSeries> simple(AggregateOp op, Map<Labels, List<StepSeries>> groups, Scalars param, int steps) {
        List<StepSeries> out = new ArrayList<>(groups.size());
        double[] buf = new double[16];
        double[] c = new double[2];
        MeanAccumulator mean = new MeanAccumulator();
        for (Map.Entry<Labels, List<StepSeries>> g : groups.entrySet()) {
            ev.ctx.tick();
            List<StepSeries> members = g.getValue();
            StepSeries o = new StepSeries(g.getKey(), steps);
            for (StepSeries s : members) {
                o.dropName |= s.dropName && g.getKey().has(Labels.METRIC_NAME);
            }
            if (buf.length < members.size()) {
                buf = new double[members.size()];
            }
            if (op == AggregateOp.SUM || op == AggregateOp.COUNT || op == AggregateOp.GROUP
                    || op == AggregateOp.MIN || op == AggregateOp.MAX) {
                seriesMajor(op, members, o, steps);
                if (o.any()) {
                    out.add(o);
                }
                continue;
            }
            for (int i = 0; i < steps; i++) {
                int n = 0;
                double acc = 0;
                double avg = 0;
                c[0] = 0;
                c[1] = 0;
                mean.reset();
                for (StepSeries s : members) {
                    if (!s.present[i]) {
                        continue;
                    }
                    double f = s.values[i];
                    n++;
                    switch (op) {
                        case SUM -> acc = MathUtil.kahanInc(f, acc, c, 0);
                        case AVG -> mean.add(f);
                        case MAX -> acc = n == 1 || acc < f || Double.isNaN(acc) ? f : acc;
                        case MIN -> acc = n == 1 || acc > f || Double.isNaN(acc) ? f : acc;
                        case STDDEV, STDVAR -> {
                            double delta = f - avg;
                            avg += delta / n;
                            acc += delta * (f - avg);
                        }
                        case QUANTILE -> buf[n - 1] = f;
                        default -> {
                        }
                    }
                }
                if (n == 0) {
                    continue;
                }
                double v = switch (op) {
                    case SUM -> acc + c[0];
                    case AVG -> mean.result();
                    case COUNT -> n;
                    case GROUP -> 1;
                    case MAX, MIN -> acc;
                    case STDVAR -> acc / n;
                    case STDDEV -> Math.sqrt(acc / n);
                    case QUANTILE -> MathUtil.quantile(param.values()[i], buf, n);
                    default -> throw new IllegalStateException("BUG: unexpected aggregation " + op);
                };
                o.set(i, v);
            }
            if (o.any()) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * sum, count, group, min and max walk each member series once over all steps (sequential memory),
     * accumulating per step; avg, stddev and quantile need a step's values together and go step by step.
     */
    private static void seriesMajor(AggregateOp op, List<StepSeries> members, StepSeries o, int steps) {
        double[] comp = op == AggregateOp.SUM ? new double[steps] : null;
        for (StepSeries s : members) {
            fold(op, s, o, comp, steps);
        }
        finish(o, comp, steps);
    }

    /**
     * Folds one member series into its group's per-step accumulator {@code o} (Kahan compensation in comp). One
     * loop per operator, each its own method: a loop compiled while only sums ran is not thrown away (deoptimized)
     * when the first max arrives, as one loop with a switch inside was.
     */
    private static void fold(AggregateOp op, StepSeries s, StepSeries o, double[] comp, int steps) {
        switch (op) {
            case SUM -> foldSum(s.values, s.present, o.values, o.present, comp, steps);
            case COUNT -> foldCount(s.present, o.values, o.present, steps);
            case GROUP -> foldGroup(s.present, o.values, o.present, steps);
            case MAX -> foldMax(s.values, s.present, o.values, o.present, steps);
            case MIN -> foldMin(s.values, s.present, o.values, o.present, steps);
            default -> throw new IllegalStateException("BUG: not a series-major aggregation " + op);
        }
    }

    private static void foldSum(double[] v, boolean[] p, double[] acc, boolean[] seen, double[] comp, int steps) {
        for (int i = 0; i < steps; i++) {
            if (p[i]) {
                acc[i] = seen[i] ? MathUtil.kahanInc(v[i], acc[i], comp, i) : v[i];
                seen[i] = true;
            }
        }
    }

    private static void foldCount(boolean[] p, double[] acc, boolean[] seen, int steps) {
        for (int i = 0; i < steps; i++) {
            if (p[i]) {
                acc[i] = seen[i] ? acc[i] + 1 : 1;
                seen[i] = true;
            }
        }
    }

    private static void foldGroup(boolean[] p, double[] acc, boolean[] seen, int steps) {
        for (int i = 0; i < steps; i++) {
            if (p[i]) {
                acc[i] = 1;
                seen[i] = true;
            }
        }
    }

    private static void foldMax(double[] v, boolean[] p, double[] acc, boolean[] seen, int steps) {
        for (int i = 0; i < steps; i++) {
            if (p[i]) {
                double f = v[i];
                double a = acc[i];
                acc[i] = !seen[i] || a < f || Double.isNaN(a) ? f : a;
                seen[i] = true;
            }
        }
    }

    private static void foldMin(double[] v, boolean[] p, double[] acc, boolean[] seen, int steps) {
        for (int i = 0; i < steps; i++) {
            if (p[i]) {
                double f = v[i];
                double a = acc[i];
                acc[i] = !seen[i] || a > f || Double.isNaN(a) ? f : a;
                seen[i] = true;
            }
        }
    }

    /** Adds sum's Kahan compensation into the result. */
    private static void finish(StepSeries o, double[] comp, int steps) {
        if (comp != null) {
            for (int i = 0; i < steps; i++) {
                o.values[i] += comp[i];
            }
        }
    }

    private List<StepSeries> topk(Map<Labels, List<StepSeries>> groups, Scalars param, int steps, boolean top) {
        Map<StepSeries, StepSeries> outputs = new LinkedHashMap<>();
        List<StepSeries> order = new ArrayList<>();
        for (List<StepSeries> members : groups.values()) {
            ev.ctx.tick();
            StepSeries[] cand = new StepSeries[members.size()];
            for (int i = 0; i < steps; i++) {
                double kf = param.values()[i];
                long k = kf >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) kf;
                if (k < 1) {
                    continue;
                }
                int n = k <= SMALL_K ? selectFirst(members, i, (int) k, top, cand) : sortAll(members, i, top, cand);
                for (int j = 0; j < Math.min(n, k); j++) {
                    StepSeries src = cand[j];
                    StepSeries o = outputs.computeIfAbsent(src, StepSeries::emptyLike);
                    o.set(i, src.values[i]);
                    if (steps == 1) {
                        order.add(o);
                    }
                }
            }
        }
        return steps == 1 ? order : new ArrayList<>(outputs.values());
    }

    /** Up to this k, topk/bottomk keep a sorted array of the best k instead of sorting every candidate. */
    private static final int SMALL_K = 16;

    /**
     * The first {@code k} present members at {@code step} in rank order into {@code out}, as a stable sort
     * would order them (ties keep member order); returns how many.
     */
    static int selectFirst(List<StepSeries> members, int step, int k, boolean top, StepSeries[] out) {
        int m = 0;
        for (StepSeries s : members) {
            if (!s.present[step]) {
                continue;
            }
            double v = s.values[step];
            int at = m;
            while (at > 0 && rank(v, out[at - 1].values[step], top) < 0) {
                at--;
            }
            if (at >= k) {
                continue;
            }
            int last = Math.min(m, k - 1);
            System.arraycopy(out, at, out, at + 1, last - at);
            out[at] = s;
            m = Math.min(m + 1, k);
        }
        return m;
    }

    /** Every present member at {@code step} into {@code out}, stably sorted by rank; returns how many. */
    static int sortAll(List<StepSeries> members, int step, boolean top, StepSeries[] out) {
        int n = 0;
        for (StepSeries s : members) {
            if (s.present[step]) {
                out[n++] = s;
            }
        }
        java.util.Arrays.sort(out, 0, n, (x, y) -> rank(x.values[step], y.values[step], top));
        return n;
    }

    /** topk's order (bottomk's when not top): NaN after every number. */
    private static int rank(double a, double b, boolean top) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
        }
        return top ? Double.compare(b, a) : Double.compare(a, b);
    }

    /**
     * limit_ratio(r, v) (experimental): keeps a deterministic share of the series, chosen by a hash of the
     * labels mapped to [0, 1): offsets below r when r > 0, at or above 1 + r when r < 0, so that
     * limit_ratio(r) and limit_ratio(r - 1) partition the input. (Prometheus hashes differently, so the
     * chosen series differ from Prometheus's; the share and the partition property hold.)
     */
    private List<StepSeries> limitRatio(List<StepSeries> in, Scalars param, Expr.Aggregate a, int steps) {
        for (double r : param.values()) {
            if (r < -1 || r > 1) {
                ev.ctx.warn("ratio value should be between -1 and 1, got " + MathUtil.formatFloat(r) + ", capping to "
                        + (r < 0 ? "-1" : "1"), a.param().pos());
                break;
            }
        }
        List<StepSeries> out = new ArrayList<>();
        for (StepSeries s : in) {
            double offset = (mix(s.labels.hashCode()) >>> 11) * 0x1.0p-53;
            StepSeries o = null;
            for (int i = 0; i < steps; i++) {
                double r = Math.max(-1, Math.min(1, param.values()[i]));
                boolean keep = r >= 0 ? offset < r : offset >= 1 + r;
                if (keep && s.present[i]) {
                    if (o == null) {
                        o = s.emptyLike();
                    }
                    o.set(i, s.values[i]);
                }
            }
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    /** A 64-bit finalizer (SplitMix64) that spreads a 32-bit hash over the whole range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private List<StepSeries> limitk(Map<Labels, List<StepSeries>> groups, Scalars param, int steps) {
        List<StepSeries> out = new ArrayList<>();
        for (List<StepSeries> members : groups.values()) {
            List<StepSeries> sorted = new ArrayList<>(members);
            sorted.sort((x, y) -> x.labels.compareTo(y.labels));
            Map<StepSeries, StepSeries> outputs = new LinkedHashMap<>();
            for (int i = 0; i < steps; i++) {
                long k = (long) Math.min(param.values()[i], Long.MAX_VALUE);
                int taken = 0;
                for (StepSeries s : sorted) {
                    if (taken >= k) {
                        break;
                    }
                    if (s.present[i]) {
                        outputs.computeIfAbsent(s, StepSeries::emptyLike).set(i, s.values[i]);
                        taken++;
                    }
                }
            }
            out.addAll(outputs.values());
        }
        return out;
    }

    private List<StepSeries> countValues(Map<Labels, List<StepSeries>> groups, String label, int steps) {
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Map.Entry<Labels, List<StepSeries>> g : groups.entrySet()) {
            for (int i = 0; i < steps; i++) {
                counts.clear();
                for (StepSeries s : g.getValue()) {
                    if (s.present[i]) {
                        counts.merge(MathUtil.formatFloat(s.values[i]), 1, Integer::sum);
                    }
                }
                for (Map.Entry<String, Integer> e : counts.entrySet()) {
                    Labels l = g.getKey().toBuilder().set(label, e.getKey()).build();
                    out.computeIfAbsent(l, k -> new StepSeries(k, steps)).set(i, e.getValue());
                }
            }
        }
        return new ArrayList<>(out.values());
    }
}
