package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.TraceMetricsResult;
import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One TraceQL metrics query: reads the spans each filter matches (equalities pushed down), puts each into the step
 * interval its start falls in and into the series of its {@code by()} values, and turns the intervals into values:
 * {@code rate()} spans per second, {@code count_over_time()} spans, {@code min/max/avg/sum_over_time(x)} of the
 * value ({@code duration} in seconds, as Tempo), {@code quantile_over_time(x, q...)} exact quantiles (linear
 * interpolation between ranks; Tempo approximates them from log2 buckets), {@code histogram_over_time(x)} counts
 * per power-of-two bucket ({@code __bucket} label). Count and rate series have every interval (0 where empty), the
 * others only intervals with values. Not thread-safe; used once.
 */
final class MetricsRun {
    /** Intervals per series at most, as Prometheus's 11,000 points. */
    static final int MAX_INTERVALS = 11_000;
    /** Series at most (label sets times quantiles or buckets). */
    static final int MAX_SERIES = 10_000;
    private static final int CHECK_EVERY = 4096;

    private final Query query;
    private final MetricsStage metrics;
    private final TraceStore store;
    private final long startNanos;
    private final long endNanos;
    private final long stepNanos;
    private final long alignedStart;
    private final int intervals;
    private final long maxSpans;
    private final long deadlineNanos;
    private final List<Expr> filterExprs = new ArrayList<>();
    private final SpanMatcher matcher;
    private final Val val = new Val();
    private final Map<String, Acc> series = new TreeMap<>();
    private long inspected;
    private boolean isPartial;

    /**
     * @param stepNanos the interval length; with {@code isInstant} ignored: one interval is the whole range, not
     *                  aligned (an instant query)
     */
    MetricsRun(Query query, TraceStore store, long startNanos, long endNanos, long stepNanos, boolean isInstant,
               long maxSpans, long deadlineNanos) {
        this.query = query;
        this.store = store;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.stepNanos = isInstant ? endNanos - startNanos + 1 : stepNanos;
        this.maxSpans = maxSpans;
        this.deadlineNanos = deadlineNanos;
        if (query.stages().isEmpty() || !(query.stages().getLast() instanceof MetricsStage m)) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "not a TraceQL metrics query: end it with a "
                    + "metrics function such as | rate(), | count_over_time() or | quantile_over_time(duration, 0.9)");
        }
        metrics = m;
        if (this.stepNanos <= 0) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "invalid step " + stepNanos + "ns: must be > 0");
        }
        alignedStart = isInstant ? startNanos : Math.floorDiv(startNanos, stepNanos) * stepNanos;
        long n = (endNanos - alignedStart) / this.stepNanos + 1;
        if (n > MAX_INTERVALS) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "the range and step give " + n
                    + " intervals, more than " + MAX_INTERVALS + "; use a larger step");
        }
        intervals = (int) n;
        Expr stageFilter = null;
        for (Stage s : query.stages()) {
            switch (s) {
                case FilterStage f -> stageFilter = f.expr() == null ? stageFilter
                        : stageFilter == null ? f.expr() : new Logical(true, stageFilter, f.expr());
                case AggregateStage a -> throw new QueryException(QueryException.ErrorType.BAD_DATA,
                        "metrics over spansets filtered by " + a.fn().name().toLowerCase() + "() are not supported");
                case SelectStage sel -> {
                }
                case ByStage b -> throw new QueryException(QueryException.ErrorType.BAD_DATA,
                        "by() before a metrics function is not supported; group with the function's by (...)");
                case CoalesceStage c -> {
                }
                case MetricsStage ms -> {
                }
            }
        }
        if (!isOrOnly(query.spanset())) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "TraceQL metrics support spanset filters "
                    + "joined by || only, not spanset && or structural operators");
        }
        for (Filter f : query.filters()) {
            Expr e = f.expr();
            filterExprs.add(e == null ? stageFilter : stageFilter == null ? e : new Logical(true, e, stageFilter));
        }
        // Trace-level intrinsics (rootName, traceDuration) read the whole trace, as in searches.
        matcher = new SpanMatcher(id -> {
            try (TraceQuerier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                return TraceInfo.of(q.trace(id));
            }
        });
    }

    private static boolean isOrOnly(Spanset s) {
        return switch (s) {
            case FilterRef f -> true;
            case SpansetOp op -> !op.isAnd() && isOrOnly(op.left()) && isOrOnly(op.right());
            case Structural st -> false;
        };
    }

    TraceMetricsResult run() {
        Set<String> seen = filterExprs.size() > 1 ? new HashSet<>() : null;
        try (TraceQuerier q = store.querier(startNanos, endNanos)) {
            for (Expr expr : filterExprs) {
                if (isPartial) {
                    break;
                }
                Pushdown.select(q, expr, span -> {
                    if (matcher.matches(expr, span) && (seen == null || seen.add(span.traceId() + span.spanId()))) {
                        add(span);
                    }
                    return counted();
                });
            }
        }
        List<TraceMetricsResult.Series> out = new ArrayList<>();
        for (Acc a : series.values()) {
            a.emit(out);
        }
        return new TraceMetricsResult(List.copyOf(out), inspected, isPartial);
    }

    private boolean counted() {
        inspected++;
        if (inspected % CHECK_EVERY == 0 && System.nanoTime() - deadlineNanos > 0) {
            throw new QueryException(QueryException.ErrorType.TIMEOUT,
                    "metrics query timed out after reading " + inspected + " spans (traces.query.timeout)");
        }
        if (inspected >= maxSpans) {
            isPartial = true;
            return false;
        }
        return true;
    }

    private void add(Span span) {
        int interval = (int) ((span.startNanos() - alignedStart) / stepNanos);
        if (interval < 0 || interval >= intervals) {
            return;
        }
        double v = 0;
        if (metrics.operand() != null) {
            matcher.value(metrics.operand(), span, val);
            if (!val.type.isNumeric()) {
                return; // no value to aggregate: the span does not count, as in Tempo
            }
            v = val.type == Type.DURATION ? val.l / 1e9 : val.number();
        }
        Attributes.Builder labels = Attributes.builder();
        StringBuilder key = new StringBuilder();
        for (Operand o : metrics.by()) {
            matcher.value(o, span, val);
            String name = o instanceof Attribute a ? a.text() : ((IntrinsicRef) o).intrinsic().traceQlName();
            key.append(val.putLabel(labels, name)).append('\u0000');
        }
        if (metrics.fn() == MetricsFn.HISTOGRAM_OVER_TIME) {
            double bucket = v <= 0 ? 0 : Math.pow(2, Math.ceil(Math.log(v) / Math.log(2)));
            labels.putDouble("__bucket", bucket);
            key.append(bucket);
        }
        String k = key.toString();
        Acc acc = series.get(k);
        if (acc == null) {
            if (series.size() >= MAX_SERIES) {
                throw new QueryException(QueryException.ErrorType.BAD_DATA, "the query makes more than " + MAX_SERIES
                        + " series; group by fewer or less varied attributes");
            }
            acc = new Acc(labels.build());
            series.put(k, acc);
        }
        acc.add(interval, v);
    }

    /** {@code labels} plus {@code p = q}, as Tempo labels each quantile's series. */
    private static Attributes withQuantile(Attributes labels, double q) {
        Attributes.Builder b = Attributes.builder();
        for (int i = 0; i < labels.size(); i++) {
            switch (labels.type(i)) {
                case INT -> b.putLong(labels.key(i), labels.longValue(i));
                case DOUBLE -> b.putDouble(labels.key(i), labels.doubleValue(i));
                case BOOL -> b.putBool(labels.key(i), labels.boolValue(i));
                default -> b.putString(labels.key(i), labels.text(i));
            }
        }
        return b.putDouble("p", q).build();
    }

    /** One label set's intervals. */
    private final class Acc {
        private final Attributes labels;
        private final long[] counts = new long[intervals];
        private final double[] values = new double[intervals];
        /** quantile_over_time: the values of each interval, grown on demand. */
        private final double[][] samples;

        Acc(Attributes labels) {
            this.labels = labels;
            samples = metrics.fn() == MetricsFn.QUANTILE_OVER_TIME ? new double[intervals][] : null;
            if (metrics.fn() == MetricsFn.MIN_OVER_TIME) {
                Arrays.fill(values, Double.POSITIVE_INFINITY);
            } else if (metrics.fn() == MetricsFn.MAX_OVER_TIME) {
                Arrays.fill(values, Double.NEGATIVE_INFINITY);
            }
        }

        void add(int i, double v) {
            long n = counts[i]++;
            switch (metrics.fn()) {
                case MIN_OVER_TIME -> values[i] = Math.min(values[i], v);
                case MAX_OVER_TIME -> values[i] = Math.max(values[i], v);
                case SUM_OVER_TIME, AVG_OVER_TIME -> values[i] += v;
                case QUANTILE_OVER_TIME -> {
                    double[] s = samples[i];
                    if (s == null || n == s.length) {
                        s = s == null ? new double[8] : Arrays.copyOf(s, s.length * 2);
                        samples[i] = s;
                    }
                    s[(int) n] = v;
                }
                default -> {
                }
            }
        }

        void emit(List<TraceMetricsResult.Series> out) {
            switch (metrics.fn()) {
                case RATE, COUNT_OVER_TIME, HISTOGRAM_OVER_TIME -> {
                    double perSecond = metrics.fn() == MetricsFn.RATE ? stepNanos / 1e9 : 1;
                    long[] ts = new long[intervals];
                    double[] vs = new double[intervals];
                    for (int i = 0; i < intervals; i++) {
                        ts[i] = timestampMs(i);
                        vs[i] = counts[i] / perSecond;
                    }
                    out.add(new TraceMetricsResult.Series(labels, ts, vs));
                }
                case QUANTILE_OVER_TIME -> {
                    for (double q : metrics.quantiles()) {
                        emitWhereCounted(out, withQuantile(labels, q), i -> {
                            double[] s = Arrays.copyOf(samples[i], (int) counts[i]);
                            Arrays.sort(s);
                            double rank = q * (s.length - 1);
                            int lo = (int) Math.floor(rank);
                            int hi = Math.min(lo + 1, s.length - 1);
                            return s[lo] + (s[hi] - s[lo]) * (rank - lo);
                        });
                    }
                }
                case AVG_OVER_TIME -> emitWhereCounted(out, labels, i -> values[i] / counts[i]);
                default -> emitWhereCounted(out, labels, i -> values[i]);
            }
        }

        private void emitWhereCounted(List<TraceMetricsResult.Series> out, Attributes l,
                                      java.util.function.IntToDoubleFunction value) {
            int n = 0;
            for (long c : counts) {
                n += c > 0 ? 1 : 0;
            }
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0, j = 0; i < intervals; i++) {
                if (counts[i] > 0) {
                    ts[j] = timestampMs(i);
                    vs[j++] = value.applyAsDouble(i);
                }
            }
            out.add(new TraceMetricsResult.Series(l, ts, vs));
        }

        private long timestampMs(int i) {
            return (alignedStart + i * stepNanos) / 1_000_000L;
        }
    }
}
