package io.sightline.query.logql;

import io.sightline.query.LogQueryConfig;
import io.sightline.query.QueryException;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code sum [by (stream labels)] (count_over_time|bytes_over_time|rate|bytes_rate({selector}[range]))} without
 * reading lines: the store counts whole pages from its page index and reads only the timestamp and length columns
 * of pages that straddle a window edge, so the result is exact. Each count lands in the windows that contain its
 * timestamp through a difference array per output series (O(1) per page or row, whatever range/step).
 *
 * <p>Applies only when the result cannot depend on a line: no pipeline stage, no unwrap, and every label the
 * aggregations keep is a stream label of every selected stream (a missing one could come from structured metadata
 * or {@code detected_level}, which the slow path reads per line). {@link #eval} answers {@code null} otherwise,
 * and the caller takes the slow path. Not thread-safe: one per evaluation.
 */
final class CountFastPath {
    private static final Set<String> FUNCTIONS = Set.of("count_over_time", "bytes_over_time", "rate", "bytes_rate");

    private final LogStore store;
    private final LogQueryConfig config;
    private final long start;
    private final long end;
    private final long step;
    private final int steps;

    CountFastPath(LogStore store, LogQueryConfig config, long start, long end, long step, int steps) {
        this.store = store;
        this.config = config;
        this.start = start;
        this.end = end;
        this.step = step;
        this.steps = steps;
    }

    /** Whether {@code a} has the shape this path can answer (the stream check comes in {@link #eval}). */
    static boolean fits(Expr.VectorAggregation a) {
        return a.op().equals("sum") && (a.grouping() == null || !a.grouping().without())
                && a.inner() instanceof Expr.RangeAggregation r && FUNCTIONS.contains(r.fn()) && r.unwrap() == null
                && r.selector().stages().isEmpty() && (r.grouping() == null || !r.grouping().without());
    }

    /** The aggregation's series, or {@code null} when a selected stream lacks a label it groups by. */
    StepSeries eval(Expr.VectorAggregation a) {
        Expr.RangeAggregation r = (Expr.RangeAggregation) a.inner();
        Windows windows = new Windows(start - r.offsetNanos(), step, steps, r.rangeNanos());
        Map<Labels, Counts> byGroup = new LinkedHashMap<>();
        Map<Labels, Counts> byStream = new HashMap<>();
        try (LogQuerier q = store.querier(windows.base - r.rangeNanos() + 1, end - r.offsetNanos())) {
            for (Labels stream : q.streams(r.selector().matchers())) {
                if (!hasAll(stream, r.grouping()) || !hasAll(stream, a.grouping())) {
                    return null;
                }
                byStream.put(stream, byGroup.computeIfAbsent(key(stream, a, r), k -> new Counts(steps)));
            }
            q.count(r.selector().matchers(), windows::splits, (stream, minNanos, maxNanos, entries, bytes) -> {
                Counts c = byStream.get(stream);
                if (c == null) {
                    // A stream the first look did not list (new records meanwhile): count it under its own group.
                    c = byGroup.computeIfAbsent(key(stream, a, r), k -> new Counts(steps));
                    byStream.put(stream, c);
                }
                int lo = windows.first(minNanos);
                int hi = windows.last(minNanos);
                if (lo <= hi) {
                    c.add(lo, hi, entries, bytes);
                }
            });
        } catch (StorageException e) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, e.getMessage());
        }
        double rangeSeconds = r.rangeNanos() / 1e9;
        Map<Labels, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<Labels, Counts> e : byGroup.entrySet()) {
            double[] values = e.getValue().values(r.fn(), rangeSeconds);
            if (values != null) {
                out.put(e.getKey(), values);
            }
        }
        Limits.checkSeries(out.size(), config);
        return new StepSeries(false, out);
    }

    /** The output series of {@code stream}: both groupings applied to its labels, as the slow path does per line. */
    private static Labels key(Labels stream, Expr.VectorAggregation a, Expr.RangeAggregation r) {
        Labels inner = MetricEvaluator.group(stream, r.grouping());
        return a.grouping() == null ? Labels.EMPTY : MetricEvaluator.group(inner, a.grouping());
    }

    private static boolean hasAll(Labels stream, Expr.Grouping g) {
        if (g != null) {
            for (String name : g.labels()) {
                if (!stream.has(name)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Step {@code k} covers {@code (base + k*step - range, base + k*step]}. A timestamp's windows are
     * {@code [first(t), last(t)]} (none when first > last), clamped to the steps that exist, so two timestamps with
     * some window share them exactly when both ends agree.
     */
    private record Windows(long base, long step, int steps, long range) {
        int first(long t) {
            return (int) Math.max(0, Math.min(steps, Math.ceilDiv(t - base, step)));
        }

        int last(long t) {
            return (int) Math.max(-1, Math.min(steps - 1, Math.floorDiv(t - base + range - 1, step)));
        }

        boolean splits(long minNanos, long maxNanos) {
            return first(minNanos) != first(maxNanos) || last(minNanos) != last(maxNanos);
        }
    }

    /** Entries and bytes per window of one output series, as difference arrays until {@link #values}. */
    private static final class Counts {
        private final long[] entries;
        private final long[] bytes;

        Counts(int steps) {
            entries = new long[steps + 1];
            bytes = new long[steps + 1];
        }

        void add(int lo, int hi, long n, long b) {
            entries[lo] += n;
            entries[hi + 1] -= n;
            bytes[lo] += b;
            bytes[hi + 1] -= b;
        }

        /** The function's value per window, NaN where the window is empty; {@code null} when all are. */
        double[] values(String fn, double rangeSeconds) {
            double[] out = new double[entries.length - 1];
            long n = 0;
            long b = 0;
            boolean any = false;
            for (int k = 0; k < out.length; k++) {
                n += entries[k];
                b += bytes[k];
                if (n == 0) {
                    out[k] = Double.NaN;
                    continue;
                }
                any = true;
                out[k] = switch (fn) {
                    case "count_over_time" -> n;
                    case "bytes_over_time" -> b;
                    case "rate" -> n / rangeSeconds;
                    case "bytes_rate" -> b / rangeSeconds;
                    default -> throw new IllegalStateException("BUG: no fast path for " + fn);
                };
            }
            return any ? out : null;
        }
    }
}
