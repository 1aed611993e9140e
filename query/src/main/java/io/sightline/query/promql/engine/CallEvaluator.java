package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.ElementFunctions;
import io.sightline.query.promql.function.LabelFunctions;
import io.sightline.query.promql.function.MathUtil;
import io.sightline.query.promql.function.RangeFunction;
import io.sightline.query.promql.function.RangeFunctions;
import io.sightline.query.promql.function.RangeSeries;
import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.Expr;
import io.sightline.query.promql.parser.ValueType;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Evaluates function calls: looks the function up in its table and runs it over all steps. */
final class CallEvaluator {
    private final Evaluator ev;
    private final HistogramCalls histograms;

    CallEvaluator(Evaluator ev) {
        this.ev = ev;
        this.histograms = new HistogramCalls(ev, this);
    }

    Object eval(Expr.Call c, long[] times) {
        String name = c.function().name();
        List<Expr> args = c.args();
        RangeFunction rf = RangeFunctions.get(name);
        if (rf != null) {
            return rangeFunction(rf, c, times);
        }
        DoubleUnaryOperator element = ElementFunctions.get(name);
        if (element != null) {
            List<StepSeries> in = args.isEmpty() ? timeVector(times) : ev.evalVector(args.get(0), times);
            return map(in, element);
        }
        return switch (name) {
            case "time" -> {
                double[] v = new double[times.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = times[i] / 1000.0;
                }
                yield new Scalars(v);
            }
            case "pi" -> Scalars.constant(Math.PI, times.length);
            case "step" -> Scalars.constant(ev.ctx.queryStep / 1000.0, times.length);
            case "range" -> Scalars.constant((ev.ctx.queryEnd - ev.ctx.queryStart) / 1000.0, times.length);
            case "start" -> Scalars.constant(ev.ctx.queryStart / 1000.0, times.length);
            case "end" -> Scalars.constant(ev.ctx.queryEnd / 1000.0, times.length);
            case "min_of", "max_of" -> {
                double[] a = ev.evalScalar(args.get(0), times).values();
                double[] b = ev.evalScalar(args.get(1), times).values();
                double[] v = new double[times.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = name.equals("min_of") ? Math.min(a[i], b[i]) : Math.max(a[i], b[i]);
                }
                yield new Scalars(v);
            }
            case "vector" -> {
                Scalars s = ev.evalScalar(args.get(0), times);
                StepSeries out = new StepSeries(Labels.EMPTY, times.length);
                for (int i = 0; i < times.length; i++) {
                    out.set(i, s.values()[i]);
                }
                yield new ArrayList<>(List.of(out));
            }
            case "scalar" -> scalar(ev.evalVector(args.get(0), times), times.length);
            case "timestamp" -> timestamp(args.get(0), times);
            case "info" -> new InfoFunction(ev).eval(c, times);
            case "absent" -> absent(ev.evalVector(args.get(0), times), args.get(0), times.length);
            case "absent_over_time" -> absentOverTime(args.get(0), times);
            case "clamp", "clamp_min", "clamp_max" -> clamp(name, args, times);
            case "round" -> round(args, times);
            case "histogram_quantile" -> histograms.histogramQuantile(c, times);
            case "histogram_quantiles" -> histograms.histogramQuantiles(c, times);
            case "histogram_fraction" -> histograms.histogramFraction(c, times);
            case "label_replace" -> labelReplace(args, times);
            case "label_join" -> labelJoin(args, times);
            case "sort", "sort_desc" -> sortWarning(c) ? List.of() : sort(ev.evalVector(args.get(0), times), times.length, name.equals("sort_desc"));
            case "sort_by_label", "sort_by_label_desc" -> sortWarning(c) ? List.of() : sortByLabel(args, times, name.endsWith("_desc"));
            default -> throw Evaluator.execError("function \"" + name + "\" is not supported");
        };
    }

    /** Records that sorting a range query has no effect; always false (the call still evaluates). */
    private boolean sortWarning(Expr.Call c) {
        if (ev.ctx.queryStep != 0) {
            ev.ctx.warn("sort is ineffective for range queries since results are always ordered by labels", c.pos());
        }
        return false;
    }

    private List<StepSeries> timeVector(long[] times) {
        StepSeries s = new StepSeries(Labels.EMPTY, times.length);
        for (int i = 0; i < times.length; i++) {
            s.set(i, times[i] / 1000.0);
        }
        return new ArrayList<>(List.of(s));
    }

    private static List<StepSeries> map(List<StepSeries> in, DoubleUnaryOperator f) {
        for (StepSeries s : in) {
            for (int i = 0; i < s.values.length; i++) {
                if (s.present[i]) {
                    s.values[i] = f.applyAsDouble(s.values[i]);
                }
            }
            s.dropName = true;
        }
        return in;
    }

    /** The matrix argument of a call: a range selector or a subquery (possibly in parentheses). */
    MatrixValue matrixArg(Expr e, long[] times) {
        return switch (unwrap(e)) {
            case Expr.MatrixSelector ms -> ev.selectMatrix(ms, times);
            case Expr.Subquery sq -> ev.subquery(sq, times);
            default -> throw Evaluator.execError("expected a range vector, got " + e.type());
        };
    }

    private List<StepSeries> rangeFunction(RangeFunction f, Expr.Call c, long[] times) {
        Expr.MatrixSelector extended = extendedRangeArg(c);
        if (extended != null) {
            return ExtendedRange.eval(ev, c.function().name(), extended, times);
        }
        List<StepSeries> out = new ArrayList<>();
        streamRange(f, c, times, out::add, false);
        return out;
    }

    /** Streams a range function's series into {@code sink} (see {@link Evaluator#stream}); false for other calls. */
    boolean stream(Expr.Call c, long[] times, SeriesSink sink) {
        RangeFunction rf = RangeFunctions.get(c.function().name());
        if (rf == null || extendedRangeArg(c) != null) {
            return false;
        }
        streamRange(rf, c, times, sink, true);
        return true;
    }

    /** The argument in an experimental range mode (anchored, smoothed), if any. */
    private static Expr.MatrixSelector extendedRangeArg(Expr.Call c) {
        for (Expr a : c.args()) {
            if (unwrap(a) instanceof Expr.MatrixSelector ms && ms.mode() != Expr.RangeMode.PLAIN) {
                return ms;
            }
        }
        return null;
    }

    /**
     * The sliding-window loop: each series' result over all steps into {@code sink}, series in matrix order;
     * with {@code reuse} one buffer serves every series (the sink must not keep it).
     */
    private void streamRange(RangeFunction f, Expr.Call c, long[] times, SeriesSink sink, boolean reuse) {
        Expr only = c.args().size() == 1 ? unwrap(c.args().get(0)) : null;
        if (reuse && only instanceof Expr.MatrixSelector ms && !ev.ctx.helpers.enabled()) {
            streamRangeBySeries(f, c, ms, times, sink);
            return;
        }
        MatrixValue m = null;
        List<Scalars> scalars = new ArrayList<>();
        for (Expr a : c.args()) {
            if (a.type() == ValueType.MATRIX) {
                m = matrixArg(a, times);
            } else {
                scalars.add(ev.evalScalar(a, times));
            }
        }
        if (c.function().name().equals("quantile_over_time")) {
            checkQuantile(scalars.get(0), c.args().get(0));
        }
        if (c.function().name().equals("double_exponential_smoothing")) {
            checkSmoothingFactors(scalars, times.length);
        }
        String fn = c.function().name();
        if (fn.equals("rate") || fn.equals("increase")) {
            warnIfNotCounters(m, c.args().get(0));
        }
        double[][] argValues = new double[scalars.size()][];
        for (int k = 0; k < argValues.length; k++) {
            argValues[k] = scalars.get(k).values();
        }
        RangeLoop loop = new RangeLoop(f, times, m.windowEnds(), m.rangeMillis(), argValues);
        List<RangeSeries> series = m.series();
        int steps = times.length;
        if (reuse && sink instanceof GroupedSink grouped && HelperThreads.isWorthSplitting(series.size(), steps)) {
            runSplitByGroup(loop, series, grouped, steps);
            ev.ctx.queryableSamples += loop.queryable;
            m.release(ev.ctx);
            return;
        }
        // An idle helper thread takes the second half of a big matrix; its series join the sink after ours, in order.
        Future<HelperPart> helper = null;
        int split = series.size();
        if (HelperThreads.isWorthSplitting(series.size(), steps)) {
            int from = split / 2;
            RangeLoop theirs = loop.copy();
            helper = ev.ctx.helpers.tryStart(() -> {
                List<StepSeries> cols = new ArrayList<>();
                for (int k = from; k < series.size(); k++) {
                    StepSeries o = theirs.run(series.get(k), null);
                    if (o != null) {
                        cols.add(o);
                    }
                }
                return new HelperPart(cols, theirs.queryable);
            });
            split = helper == null ? split : from;
        }
        StepSeries shared = reuse ? new StepSeries(Labels.EMPTY, steps) : null;
        try {
            for (int k = 0; k < split; k++) {
                ev.ctx.tick();
                StepSeries o = loop.run(series.get(k), shared);
                if (o != null) {
                    if (!reuse) {
                        ev.ctx.addSamples(steps);
                    }
                    sink.accept(o);
                }
            }
            if (helper != null) {
                HelperPart part = HelperThreads.join(helper);
                helper = null;
                long held = (long) part.cols().size() * steps;
                ev.ctx.addSamples(held);
                loop.queryable += part.queryable();
                for (StepSeries o : part.cols()) {
                    sink.accept(o);
                }
                if (reuse) {
                    ev.ctx.releaseSamples(held);
                }
            }
        } finally {
            if (helper != null) {
                helper.cancel(false); // the query failed first; the helper only reads the matrix, never released then
            }
        }
        ev.ctx.queryableSamples += loop.queryable;
        m.release(ev.ctx);
    }

    /**
     * A one-argument range function over a selector, streamed: each series is read, windowed and handed to
     * {@code sink} before the next is read (its samples still in cache, nothing held for the whole selector).
     * The same series in the same order with the same values as over the loaded matrix.
     */
    private void streamRangeBySeries(RangeFunction f, Expr.Call c, Expr.MatrixSelector ms, long[] times,
                                     SeriesSink sink) {
        Expr.VectorSelector vs = ms.selector();
        long[] ends = ev.windowEnds(vs.mod(), times);
        long minT = Evaluator.min(ends) - ms.rangeMillis() + 1;
        long maxT = Evaluator.max(ends);
        RangeLoop loop = new RangeLoop(f, times, ends, ms.rangeMillis(), new double[0][]);
        String fn = c.function().name();
        boolean counters = fn.equals("rate") || fn.equals("increase");
        StepSeries shared = new StepSeries(Labels.EMPTY, times.length);
        SelectorLoader.forEach(ev.ctx, vs.matchers(), minT, maxT, true, (labels, ts, values, n) -> {
            if (counters) {
                warnIfNotCounter(labels, c.args().get(0));
            }
            StepSeries o = loop.run(labels, ts, values, 0, n, false, shared);
            if (o != null) {
                sink.accept(o);
            }
        });
        ev.ctx.queryableSamples += loop.queryable;
    }

    private static Expr unwrap(Expr e) {
        while (e instanceof Expr.Paren p) {
            e = p.expr();
        }
        return e;
    }

    /**
     * Folds each series into its group, an idle helper thread taking the groups that hold the second half of
     * the series: every group is folded by one thread, its members in order, so the sums are the same doubles.
     */
    private void runSplitByGroup(RangeLoop loop, List<RangeSeries> series, GroupedSink sink, int steps) {
        List<Labels> labels = new ArrayList<>(series.size());
        for (RangeSeries rs : series) {
            labels.add(rs.labels());
        }
        int[] group = sink.groupsOf(labels);
        int groups = 0;
        for (int g : group) {
            groups = Math.max(groups, g + 1);
        }
        int[] members = new int[groups];
        for (int g : group) {
            members[g]++;
        }
        boolean[] isTheirs = new boolean[groups];
        int mine = 0;
        for (int g = 0; g < groups; g++) {
            isTheirs[g] = mine >= series.size() / 2;
            mine += isTheirs[g] ? 0 : members[g];
        }
        Future<HelperPart> helper = null;
        if (mine < series.size()) {
            RangeLoop theirs = loop.copy();
            helper = ev.ctx.helpers.tryStart(() -> {
                StepSeries column = new StepSeries(Labels.EMPTY, steps);
                for (int k = 0; k < series.size(); k++) {
                    if (isTheirs[group[k]]) {
                        StepSeries o = theirs.run(series.get(k), column);
                        if (o != null) {
                            sink.fold(group[k], o);
                        }
                    }
                }
                return new HelperPart(List.of(), theirs.queryable);
            });
        }
        StepSeries column = new StepSeries(Labels.EMPTY, steps);
        try {
            for (int k = 0; k < series.size(); k++) {
                if (helper != null && isTheirs[group[k]]) {
                    continue;
                }
                ev.ctx.tick();
                StepSeries o = loop.run(series.get(k), column);
                if (o != null) {
                    sink.fold(group[k], o);
                }
            }
            if (helper != null) {
                loop.queryable += HelperThreads.join(helper).queryable();
                helper = null;
            }
        } finally {
            if (helper != null) {
                helper.cancel(false); // the query failed first; the helper only reads the matrix, never released then
            }
        }
    }

    /** A helper thread's share of a range function: its series' columns in order, and the samples it covered. */
    private record HelperPart(List<StepSeries> cols, long queryable) {
    }

    /** Prometheus's info for rate/increase over a metric whose name does not look like a counter's. */
    private void warnIfNotCounters(MatrixValue m, Expr arg) {
        for (RangeSeries rs : m.series()) {
            warnIfNotCounter(rs.labels(), arg);
        }
    }

    private void warnIfNotCounter(Labels labels, Expr arg) {
        String name = labels.metricName();
        if (name != null && !name.endsWith("_total") && !name.endsWith("_sum") && !name.endsWith("_count")
                && !name.endsWith("_bucket")) {
            ev.ctx.info("metric might not be a counter, name does not end in either _total, _sum, _count, or _bucket: \""
                    + name + "\"", arg.pos());
        }
    }

    private static void checkSmoothingFactors(List<Scalars> s, int steps) {
        for (int i = 0; i < steps; i++) {
            double sf = s.get(0).values()[i];
            double tf = s.get(1).values()[i];
            if (!(sf > 0 && sf < 1)) {
                throw Evaluator.execError("invalid smoothing factor. Expected: 0 < sf < 1, got: " + sf);
            }
            if (!(tf > 0 && tf < 1)) {
                throw Evaluator.execError("invalid trend factor. Expected: 0 < tf < 1, got: " + tf);
            }
        }
    }

    private static Scalars scalar(List<StepSeries> in, int steps) {
        double[] v = new double[steps];
        for (int i = 0; i < steps; i++) {
            int n = 0;
            double val = Double.NaN;
            for (StepSeries s : in) {
                if (s.present[i]) {
                    n++;
                    val = s.values[i];
                }
            }
            v[i] = n == 1 ? val : Double.NaN;
        }
        return new Scalars(v);
    }

    private List<StepSeries> timestamp(Expr arg, long[] times) {
        Expr inner = arg;
        while (inner instanceof Expr.Paren p) {
            inner = p.expr();
        }
        if (inner instanceof Expr.VectorSelector vs && !vs.mod().smoothed()) { // smoothed values have no sample time
            List<StepSeries> in = ev.selectVector(vs, times, true);
            for (StepSeries s : in) {
                for (int i = 0; i < times.length; i++) {
                    s.values[i] = s.sampleTimes[i] / 1000.0;
                }
                s.sampleTimes = null;
                s.dropName = true;
            }
            return in;
        }
        List<StepSeries> in = ev.evalVector(arg, times);
        for (StepSeries s : in) {
            for (int i = 0; i < times.length; i++) {
                s.values[i] = times[i] / 1000.0;
            }
            s.dropName = true;
        }
        return in;
    }

    private static Labels absentLabels(Expr arg) {
        while (arg instanceof Expr.Paren p) {
            arg = p.expr();
        }
        List<Matcher> matchers = switch (arg) {
            case Expr.VectorSelector vs -> vs.matchers();
            case Expr.MatrixSelector ms -> ms.selector().matchers();
            default -> List.of();
        };
        Labels.Builder b = Labels.builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Matcher m : matchers) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            // A label named by more than one matcher is ambiguous, so absent() leaves it out.
            if (seen.add(m.name())) {
                if (m.type() == Matcher.Type.EQ) {
                    b.set(m.name(), m.value());
                }
            } else {
                b.remove(m.name());
            }
        }
        return b.build();
    }

    private static List<StepSeries> absent(List<StepSeries> in, Expr arg, int steps) {
        StepSeries out = new StepSeries(absentLabels(arg), steps);
        for (int i = 0; i < steps; i++) {
            boolean any = false;
            for (StepSeries s : in) {
                if (s.present[i]) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                out.set(i, 1);
            }
        }
        return out.any() ? new ArrayList<>(List.of(out)) : new ArrayList<>();
    }

    private List<StepSeries> absentOverTime(Expr arg, long[] times) {
        MatrixValue m = matrixArg(arg, times);
        StepSeries out = new StepSeries(absentLabels(arg), times.length);
        long[] ends = m.windowEnds();
        for (int i = 0; i < times.length; i++) {
            long end = ends[i];
            long start = end - m.rangeMillis();
            boolean any = false;
            for (RangeSeries rs : m.series()) {
                int idx = java.util.Arrays.binarySearch(rs.ts(), rs.from(), rs.to(), end);
                int hi = idx >= 0 ? idx + 1 : -idx - 1;
                if (hi > rs.from() && rs.ts()[hi - 1] > start) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                out.set(i, 1);
            }
        }
        m.release(ev.ctx);
        return out.any() ? new ArrayList<>(List.of(out)) : new ArrayList<>();
    }

    private List<StepSeries> clamp(String name, List<Expr> args, long[] times) {
        List<StepSeries> in = ev.evalVector(args.get(0), times);
        Scalars a = ev.evalScalar(args.get(1), times);
        Scalars b = name.equals("clamp") ? ev.evalScalar(args.get(2), times) : null;
        for (StepSeries s : in) {
            for (int i = 0; i < times.length; i++) {
                if (!s.present[i]) {
                    continue;
                }
                double v = s.values[i];
                switch (name) {
                    case "clamp_min" -> s.values[i] = Math.max(a.values()[i], v);
                    case "clamp_max" -> s.values[i] = Math.min(a.values()[i], v);
                    default -> {
                        double min = a.values()[i];
                        double max = b.values()[i];
                        if (max < min) {
                            s.present[i] = false;
                        } else {
                            s.values[i] = Math.max(min, Math.min(max, v));
                        }
                    }
                }
            }
            s.dropName = true;
        }
        in.removeIf(s -> !s.any());
        return in;
    }

    private List<StepSeries> round(List<Expr> args, long[] times) {
        List<StepSeries> in = ev.evalVector(args.get(0), times);
        Scalars to = args.size() > 1 ? ev.evalScalar(args.get(1), times) : Scalars.constant(1, times.length);
        for (StepSeries s : in) {
            for (int i = 0; i < times.length; i++) {
                double inv = 1.0 / to.values()[i];
                s.values[i] = Math.floor(s.values[i] * inv + 0.5) / inv;
            }
            s.dropName = true;
        }
        return in;
    }

    /** Warns once per query when a quantile parameter lies outside [0, 1]. */
    void checkQuantile(Scalars q, Expr param) {
        for (double v : q.values()) {
            if (!(v >= 0 && v <= 1)) {
                ev.ctx.warn("quantile value should be between 0 and 1, got " + MathUtil.formatFloat(v), param.pos());
                return;
            }
        }
    }

    String stringArg(Expr e, long[] times) {
        return (String) ev.eval(e, times);
    }

    private List<StepSeries> labelReplace(List<Expr> args, long[] times) {
        String dst = stringArg(args.get(1), times);
        String repl = stringArg(args.get(2), times);
        String src = stringArg(args.get(3), times);
        String regex = stringArg(args.get(4), times);
        Pattern p;
        try {
            p = Pattern.compile("^(?:" + regex + ")$", Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw Evaluator.execError("invalid regular expression in label_replace(): " + regex);
        }
        if (!LabelFunctions.validLabelName(dst)) {
            throw Evaluator.execError("invalid destination label name in label_replace(): " + dst);
        }
        List<StepSeries> in = ev.evalVector(args.get(0), times);
        for (StepSeries s : in) {
            Labels before = s.labels;
            s.labels = LabelFunctions.replace(s.labels, dst, repl, src, p);
            if (dst.equals(Labels.METRIC_NAME) && before != s.labels) {
                s.dropName = false;
            }
        }
        return merge(in, times.length);
    }

    private List<StepSeries> labelJoin(List<Expr> args, long[] times) {
        String dst = stringArg(args.get(1), times);
        String sep = stringArg(args.get(2), times);
        String[] src = new String[args.size() - 3];
        for (int k = 3; k < args.size(); k++) {
            src[k - 3] = stringArg(args.get(k), times);
            if (!LabelFunctions.validLabelName(src[k - 3])) {
                throw Evaluator.execError("invalid source label name in label_join(): " + src[k - 3]);
            }
        }
        if (!LabelFunctions.validLabelName(dst)) {
            throw Evaluator.execError("invalid destination label name in label_join(): " + dst);
        }
        List<StepSeries> in = ev.evalVector(args.get(0), times);
        for (StepSeries s : in) {
            s.labels = LabelFunctions.join(s.labels, dst, sep, src);
            if (dst.equals(Labels.METRIC_NAME)) {
                s.dropName = false;
            }
        }
        return merge(in, times.length);
    }

    /** Merges series that now share a label set; two values at one step are an error, as in Prometheus. */
    static List<StepSeries> merge(List<StepSeries> in, int steps) {
        Map<Labels, StepSeries> byLabels = new LinkedHashMap<>();
        for (StepSeries s : in) {
            StepSeries prev = byLabels.putIfAbsent(s.labels, s);
            if (prev == null || prev == s) {
                continue;
            }
            for (int i = 0; i < steps; i++) {
                if (s.present[i]) {
                    if (prev.present[i]) {
                        throw Evaluator.execError("vector cannot contain metrics with the same labelset");
                    }
                    prev.set(i, s.values[i]);
                }
            }
            prev.dropName |= s.dropName;
        }
        return new ArrayList<>(byLabels.values());
    }

    private static List<StepSeries> sort(List<StepSeries> in, int steps, boolean desc) {
        if (steps != 1) {
            return in;
        }
        Comparator<StepSeries> byValue = (a, b) -> {
            double x = a.values[0];
            double y = b.values[0];
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
            }
            return desc ? Double.compare(y, x) : Double.compare(x, y);
        };
        in.sort(byValue);
        return in;
    }

    private List<StepSeries> sortByLabel(List<Expr> args, long[] times, boolean desc) {
        List<StepSeries> in = ev.evalVector(args.get(0), times);
        String[] names = new String[args.size() - 1];
        for (int k = 1; k < args.size(); k++) {
            names[k - 1] = stringArg(args.get(k), times);
        }
        if (times.length != 1) {
            return in;
        }
        Comparator<StepSeries> cmp = (a, b) -> {
            for (String n : names) {
                String x = a.labels.get(n);
                String y = b.labels.get(n);
                x = x == null ? "" : x;
                y = y == null ? "" : y;
                int c = NaturalOrder.compare(x, y);
                if (c != 0) {
                    return c;
                }
            }
            return a.labels.compareTo(b.labels);
        };
        in.sort(desc ? cmp.reversed() : cmp);
        return in;
    }
}
