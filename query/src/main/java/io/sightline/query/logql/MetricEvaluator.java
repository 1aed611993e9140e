package io.sightline.query.logql;

import io.sightline.query.LogQueryConfig;
import io.sightline.query.QueryException;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Evaluates a LogQL metric expression at every step {@code start + k*step <= end} (nanoseconds). Each range
 * aggregation reads its records once, in time order, into per-series buffers, then slides the window
 * {@code (t - offset - range, t - offset]} over them. Not thread-safe: one per query.
 */
final class MetricEvaluator {
    private final LogStore store;
    private final LogQueryConfig config;
    private final QueryBudget budget;
    private final long start;
    private final long end;
    private final long step;
    private final int steps;

    MetricEvaluator(LogStore store, LogQueryConfig config, QueryBudget budget, long start, long end, long step) {
        this.store = store;
        this.config = config;
        this.budget = budget;
        this.start = start;
        this.end = end;
        this.step = step;
        this.steps = (int) ((end - start) / step) + 1;
    }

    int steps() {
        return steps;
    }

    long stepTime(int k) {
        return start + k * step;
    }

    StepSeries eval(Expr e) {
        return switch (e) {
            case Expr.NumberLiteral n -> StepSeries.scalar(n.value(), steps);
            case Expr.VectorLiteral v -> {
                StepSeries s = StepSeries.scalar(v.value(), steps);
                yield new StepSeries(false, s.series);
            }
            case Expr.RangeAggregation r -> rangeAggregation(r);
            case Expr.VectorAggregation a -> {
                StepSeries fast = CountFastPath.fits(a) ? new CountFastPath(store, config, start, end, step, steps).eval(a) : null;
                yield fast != null ? fast : Aggregations.apply(a, eval(a.inner()), steps);
            }
            case Expr.Binary b -> Binaries.apply(b, eval(b.left()), eval(b.right()), steps);
            case Expr.LogSelector s -> throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "a log query cannot be part of a metric expression");
        };
    }

    /** The points of one output series of a range aggregation, in time order. */
    private static final class Buffer {
        long[] ts = new long[16];
        double[] values = new double[16];
        int n;

        void add(long t, double v) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, n * 2);
                values = Arrays.copyOf(values, n * 2);
            }
            ts[n] = t;
            values[n++] = v;
        }
    }

    private StepSeries rangeAggregation(Expr.RangeAggregation r) {
        Pipeline pipeline = Pipeline.compile(r.selector().stages());
        long range = r.rangeNanos();
        long offset = r.offsetNanos();
        long from = start - offset - range + 1;
        long to = end - offset;
        String fn = r.fn();
        boolean isBytes = fn.startsWith("bytes_");
        boolean isUnwrapped = r.unwrap() != null;
        Map<Map<String, String>, Buffer> buffers = new HashMap<>();
        Map<Map<String, String>, Labels> labelsOf = new HashMap<>();
        LogLine line = new LogLine();
        long[] held = {0};
        try (LogQuerier q = store.querier(from, to)) {
            q.select(r.selector().matchers(), pipeline.mustContain(), true, rec -> {
                budget.record(rec.body().length());
                line.reset(rec);
                if (!pipeline.process(line)) {
                    return true;
                }
                double v;
                if (isUnwrapped) {
                    v = line.unwrapped();
                    if (Double.isNaN(v)) {
                        return true; // the unwrapped label is missing or not a number: no sample, as Loki without __error__
                    }
                } else {
                    v = isBytes ? rec.body().getBytes(StandardCharsets.UTF_8).length : 1;
                }
                Map<String, String> key = line.labels();
                key.remove(LogLine.ERROR);
                key.remove(LogLine.ERROR_DETAILS);
                if (isUnwrapped) {
                    key.remove(r.unwrap().label());
                }
                Buffer b = buffers.get(key);
                if (b == null) {
                    Map<String, String> copy = new TreeMap<>(key);
                    Labels labels = group(Labels.fromMap(copy), r.grouping());
                    Map<String, String> frozen = Map.copyOf(copy);
                    b = new Buffer();
                    buffers.put(frozen, b);
                    labelsOf.put(frozen, labels);
                    if (buffers.size() > config.maxSeries() * 16L) {
                        throw new QueryException(QueryException.ErrorType.EXECUTION, "the query produces more than "
                                + config.maxSeries() * 16L + " label sets before aggregation (logs.query.max_series x 16); add label filters or aggregate with sum by (...)");
                    }
                }
                b.add(rec.timestampNanos(), v);
                if (++held[0] > config.maxSamples()) {
                    throw new QueryException(QueryException.ErrorType.EXECUTION, "the query holds more than "
                            + config.maxSamples() + " log records in its windows (logs.query.max_samples); shorten the range or the time span");
                }
                return true;
            });
        } catch (StorageException e) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, e.getMessage());
        }
        // Series that group to the same labels (range aggregation with by/without) merge into one buffer.
        Map<Labels, List<Buffer>> grouped = new LinkedHashMap<>();
        for (Map.Entry<Map<String, String>, Buffer> e : buffers.entrySet()) {
            grouped.computeIfAbsent(labelsOf.get(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
        }
        double rangeSeconds = range / 1e9;
        Map<Labels, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<Labels, List<Buffer>> g : grouped.entrySet()) {
            Buffer b = g.getValue().size() == 1 ? g.getValue().getFirst() : merge(g.getValue());
            double[] values = new double[steps];
            int lo = 0;
            int hi = 0;
            boolean any = false;
            for (int k = 0; k < steps; k++) {
                long t = stepTime(k) - offset;
                while (hi < b.n && b.ts[hi] <= t) {
                    hi++;
                }
                while (lo < hi && b.ts[lo] <= t - range) {
                    lo++;
                }
                values[k] = RangeFunctions.apply(fn, b.values, lo, hi, rangeSeconds, r.param());
                any |= !Double.isNaN(values[k]);
            }
            if (any) {
                out.put(g.getKey(), values);
            }
        }
        if (fn.equals("absent_over_time")) {
            return absent(out, r.selector().matchers());
        }
        Limits.checkSeries(out.size(), config);
        return new StepSeries(false, out);
    }

    private static Buffer merge(List<Buffer> parts) {
        Buffer m = new Buffer();
        int[] at = new int[parts.size()];
        while (true) {
            int best = -1;
            for (int i = 0; i < parts.size(); i++) {
                if (at[i] < parts.get(i).n && (best < 0 || parts.get(i).ts[at[i]] < parts.get(best).ts[at[best]])) {
                    best = i;
                }
            }
            if (best < 0) {
                return m;
            }
            m.add(parts.get(best).ts[at[best]], parts.get(best).values[at[best]]);
            at[best]++;
        }
    }

    /** 1 at the steps where no series had a point, labelled by the selector's equality matchers. */
    private StepSeries absent(Map<Labels, double[]> present, List<Matcher> matchers) {
        double[] values = new double[steps];
        boolean any = false;
        for (int k = 0; k < steps; k++) {
            boolean seen = false;
            for (double[] v : present.values()) {
                seen |= !Double.isNaN(v[k]);
            }
            values[k] = seen ? Double.NaN : 1;
            any |= !seen;
        }
        Map<Labels, double[]> out = new LinkedHashMap<>();
        if (any) {
            Labels.Builder b = Labels.builder();
            for (Matcher m : matchers) {
                if (m.type() == Matcher.Type.EQ) {
                    b.set(m.name(), m.value());
                }
            }
            out.put(b.build(), values);
        }
        return new StepSeries(false, out);
    }

    /** {@code by} keeps only the listed labels, {@code without} drops them; null keeps all. */
    static Labels group(Labels labels, Expr.Grouping grouping) {
        if (grouping == null) {
            return labels;
        }
        Set<String> names = Set.copyOf(grouping.labels());
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < labels.size(); i++) {
            if (names.contains(labels.name(i)) != grouping.without()) {
                b.set(labels.name(i), labels.value(i));
            }
        }
        return b.build();
    }

    /** Series sorted by labels, for stable output. */
    static Comparator<Map.Entry<Labels, double[]>> byLabels() {
        return Map.Entry.comparingByKey();
    }
}
