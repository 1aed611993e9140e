package io.sightline.query.promql.engine;

import io.sightline.query.QueryException;
import io.sightline.query.promql.function.RangeSeries;
import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.Expr;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.StaleMarker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates an expression over all steps at once, column-wise: every node yields its value for every
 * evaluation time in {@code times}. Instant queries are the one-step case.
 */
final class Evaluator {
    final QueryContext ctx;
    private final BinaryEvaluator binary = new BinaryEvaluator(this);
    private final AggregateEvaluator aggregate = new AggregateEvaluator(this);
    private final CallEvaluator calls = new CallEvaluator(this);

    Evaluator(QueryContext ctx) {
        this.ctx = ctx;
    }

    /** Returns a {@link Scalars}, a String, a {@code List<StepSeries>} or a {@link MatrixValue}. */
    Object eval(Expr e, long[] times) {
        ctx.checkDeadline();
        return switch (e) {
            case Expr.NumberLiteral n -> Scalars.constant(n.value(), times.length);
            case Expr.StringLiteral s -> s.value();
            case Expr.Paren p -> eval(p.expr(), times);
            case Expr.VectorSelector vs -> selectVector(vs, times, false);
            case Expr.MatrixSelector ms -> selectMatrix(ms, times);
            case Expr.Subquery sq -> subquery(sq, times);
            case Expr.Unary u -> unary(u, times);
            case Expr.Binary b -> binary.eval(b, times);
            case Expr.Aggregate a -> aggregate.eval(a, times);
            case Expr.Call c -> calls.eval(c, times);
        };
    }

    @SuppressWarnings("unchecked")
    List<StepSeries> evalVector(Expr e, long[] times) {
        return (List<StepSeries>) eval(e, times);
    }

    Scalars evalScalar(Expr e, long[] times) {
        return (Scalars) eval(e, times);
    }

    private Object unary(Expr.Unary u, long[] times) {
        Object v = eval(u.expr(), times);
        if (!u.negate()) {
            return v;
        }
        if (v instanceof Scalars s) {
            double[] out = new double[s.values().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = -s.values()[i];
            }
            return new Scalars(out);
        }
        @SuppressWarnings("unchecked")
        List<StepSeries> vec = (List<StepSeries>) v;
        for (StepSeries s : vec) {
            for (int i = 0; i < s.values.length; i++) {
                s.values[i] = -s.values[i];
            }
            s.dropName = true;
        }
        return vec;
    }

    /** The time a selector or subquery looks at for step i: its @ time or the step time. */
    long atTime(Expr.Modifiers mod, long stepTime) {
        return switch (mod.at()) {
            case NONE -> stepTime;
            case TIMESTAMP -> mod.atMillis();
            case START -> ctx.queryStart;
            case END -> ctx.queryEnd;
        };
    }

    long[] windowEnds(Expr.Modifiers mod, long[] times) {
        long[] ends = new long[times.length];
        for (int i = 0; i < times.length; i++) {
            ends[i] = atTime(mod, times[i]) - mod.offsetMillis();
        }
        return ends;
    }

    /** An instant vector selector: the newest non-stale sample within the lookback before each step. */
    List<StepSeries> selectVector(Expr.VectorSelector vs, long[] times, boolean withSampleTimes) {
        if (vs.mod().smoothed()) {
            return selectSmoothed(vs, times);
        }
        List<StepSeries> out = new ArrayList<>();
        streamVector(vs, times, withSampleTimes, out::add, false);
        return out;
    }

    /**
     * Evaluates an instant-vector expression into {@code sink} one series at a time, where its kind allows it
     * (a plain instant selector, a range function call); returns false, having evaluated nothing, otherwise.
     */
    boolean stream(Expr e, long[] times, SeriesSink sink) {
        while (e instanceof Expr.Paren p) {
            e = p.expr();
        }
        ctx.checkDeadline();
        if (e instanceof Expr.VectorSelector vs && !vs.mod().smoothed()) {
            streamVector(vs, times, false, sink, true);
            return true;
        }
        return e instanceof Expr.Call c && calls.stream(c, times, sink);
    }

    /**
     * The selector's series with a value at some step, in storage order, into {@code sink}; with {@code reuse}
     * one buffer serves every series (the sink must not keep it) and nothing is held for the result. Reused and
     * without a helper thread, series are read one at a time ({@link SelectorLoader#forEach}), not all at once.
     */
    private void streamVector(Expr.VectorSelector vs, long[] times, boolean withSampleTimes, SeriesSink sink,
                              boolean reuse) {
        long[] ends = windowEnds(vs.mod(), times);
        long lookback = ctx.lookbackMillis;
        long minT = min(ends) - lookback + 1;
        long maxT = max(ends);
        if (reuse && !withSampleTimes && !ctx.helpers.enabled()) {
            StepSeries shared = new StepSeries(Labels.EMPTY, times.length);
            SelectorLoader.forEach(ctx, vs.matchers(), minT, maxT, false, (labels, ts, values, n) -> {
                shared.labels = labels;
                Arrays.fill(shared.present, false);
                if (lookback(shared, ts, values, 0, n, ends, lookback)) {
                    sink.accept(shared);
                }
            });
            return;
        }
        SelectorData d = SelectorLoader.load(ctx, vs.matchers(), minT, maxT, false);
        StepSeries shared = reuse ? new StepSeries(Labels.EMPTY, times.length) : null;
        for (int s = 0; s < d.size(); s++) {
            ctx.tick();
            StepSeries r;
            if (shared != null) {
                r = shared;
                r.labels = d.labels[s];
                Arrays.fill(r.present, false);
            } else {
                r = new StepSeries(d.labels[s], times.length);
            }
            if (withSampleTimes) {
                r.sampleTimes = new long[times.length];
            }
            if (lookback(r, d.ts, d.values, d.offsets[s], d.offsets[s + 1], ends, lookback)) {
                if (shared == null) {
                    ctx.addSamples(times.length); // counted as built, so a huge result fails before it is whole
                }
                sink.accept(r);
            }
        }
        ctx.releaseSamples(d.sampleCount());
        ctx.buffers.release(d.buffer);
    }

    /**
     * Sets each step of {@code r} (whose presence the caller cleared) to the newest non-stale sample of
     * {@code ts/values[from, to)} within the lookback before the step's window end; true when any step has one.
     */
    private boolean lookback(StepSeries r, long[] ts, double[] values, int from, int to, long[] ends, long lookback) {
        int p = from;
        boolean any = false;
        for (int i = 0; i < ends.length; i++) {
            long end = ends[i];
            if (i > 0 && end < ends[i - 1]) {
                p = from;
            }
            while (p < to && ts[p] <= end) {
                p++;
            }
            int idx = p - 1;
            if (idx >= from && ts[idx] > end - lookback && !StaleMarker.isStale(values[idx])) {
                r.set(i, values[idx]);
                ctx.queryableSamples++;
                if (r.sampleTimes != null) {
                    r.sampleTimes[i] = ts[idx];
                }
                any = true;
            }
        }
        return any;
    }

    /** {@code foo smoothed}: each step's value interpolated between the samples around it (experimental). */
    private List<StepSeries> selectSmoothed(Expr.VectorSelector vs, long[] times) {
        long[] ends = windowEnds(vs.mod(), times);
        long lookback = ctx.lookbackMillis;
        SelectorData d = SelectorLoader.load(ctx, vs.matchers(), min(ends) - lookback + 1, max(ends) + lookback, true);
        List<StepSeries> out = new ArrayList<>(d.size());
        for (int s = 0; s < d.size(); s++) {
            StepSeries r = new StepSeries(d.labels[s], times.length);
            for (int i = 0; i < ends.length; i++) {
                double v = ExtendedRange.valueAt(d.ts, d.values, d.offsets[s], d.offsets[s + 1], ends[i], lookback,
                        false, false, false);
                if (!Double.isNaN(v)) {
                    r.set(i, v);
                    ctx.queryableSamples++;
                }
            }
            if (r.any()) {
                out.add(r);
            }
        }
        ctx.releaseSamples(d.sampleCount());
        ctx.buffers.release(d.buffer);
        return out;
    }

    MatrixValue selectMatrix(Expr.MatrixSelector ms, long[] times) {
        Expr.VectorSelector vs = ms.selector();
        long[] ends = windowEnds(vs.mod(), times);
        long minT = min(ends) - ms.rangeMillis() + 1;
        long maxT = max(ends);
        SelectorData d = SelectorLoader.load(ctx, vs.matchers(), minT, maxT, true);
        List<RangeSeries> series = new ArrayList<>(d.size());
        for (int s = 0; s < d.size(); s++) {
            series.add(new RangeSeries(d.labels[s], d.ts, d.values, d.offsets[s], d.offsets[s + 1], false));
        }
        return new MatrixValue(series, ms.rangeMillis(), ends, d.buffer);
    }

    /** Evaluates the inner expression at the subquery's own aligned steps and returns it as a range vector. */
    MatrixValue subquery(Expr.Subquery sq, long[] times) {
        long[] outer = new long[times.length];
        for (int i = 0; i < times.length; i++) {
            outer[i] = atTime(sq.mod(), times[i]);
        }
        long step = sq.stepMillis() > 0 ? sq.stepMillis() : ctx.defaultSubqueryStep;
        long offset = sq.mod().offsetMillis();
        long lowest = min(outer) - offset - sq.rangeMillis();
        long start = step * (lowest / step);
        if (start <= lowest) {
            start += step;
        }
        long end = max(outer) - offset;
        long[] ends = new long[times.length];
        for (int i = 0; i < times.length; i++) {
            ends[i] = outer[i] - offset;
        }
        if (start > end) {
            return new MatrixValue(List.of(), sq.rangeMillis(), ends, null);
        }
        int n = (int) ((end - start) / step) + 1;
        long[] inner = new long[n];
        for (int i = 0; i < n; i++) {
            inner[i] = start + i * step;
        }
        List<StepSeries> vec = evalVector(sq.expr(), inner);
        long held = 0;
        for (StepSeries s : vec) {
            for (boolean p : s.present) {
                held += p ? 1 : 0;
            }
        }
        // Held until the consumer releases the MatrixValue, as Prometheus counts a subquery's points.
        ctx.addSamples(held);
        List<RangeSeries> series = new ArrayList<>(vec.size());
        for (StepSeries s : vec) {
            int count = 0;
            for (boolean p : s.present) {
                if (p) {
                    count++;
                }
            }
            long[] ts = new long[count];
            double[] vals = new double[count];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (s.present[i]) {
                    ts[k] = inner[i];
                    vals[k] = s.values[i];
                    k++;
                }
            }
            series.add(new RangeSeries(s.labels, ts, vals, 0, count, s.dropName));
        }
        return new MatrixValue(series, sq.rangeMillis(), ends, null);
    }

    static long min(long[] a) {
        long m = Long.MAX_VALUE;
        for (long v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    static long max(long[] a) {
        long m = Long.MIN_VALUE;
        for (long v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    static QueryException execError(String msg) {
        return new QueryException(QueryException.ErrorType.EXECUTION, msg);
    }
}
