package io.sightline.query.logql;

import io.sightline.query.DetectedField;
import io.sightline.query.LogQueryConfig;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.LogQueryResult;
import io.sightline.query.LogTail;
import io.sightline.query.QueryException;
import io.sightline.query.Value;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The LogQL engine over the log store. Thread-safe: every query builds its own state. */
public final class LogQlEngine implements LogQueryEngine {
    private final LogStore store;
    private final LogQueryConfig config;

    public LogQlEngine(LogStore store, LogQueryConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public LogQueryResult rangeQuery(String query, long startNanos, long endNanos, long stepNanos, int limit, boolean forward) {
        if (endNanos < startNanos) {
            throw bad("end (" + endNanos + ") must not be before start (" + startNanos + ")");
        }
        Expr e = Parser.parse(query);
        long began = System.nanoTime();
        QueryBudget budget = new QueryBudget(config.timeoutMillis());
        if (e instanceof Expr.LogSelector sel) {
            // Loki reads log lines in [start, end).
            List<LogQueryResult.Stream> streams = select(sel, startNanos, endNanos > startNanos ? endNanos - 1 : endNanos,
                    checkLimit(limit), forward, budget);
            return new LogQueryResult(null, streams, stats(budget, began));
        }
        if (stepNanos <= 0) {
            throw bad("step must be > 0, got " + stepNanos + "ns");
        }
        long points = (endNanos - startNanos) / stepNanos + 1;
        if (points > config.maxPoints()) {
            throw bad("exceeded maximum resolution of " + config.maxPoints() + " points per series (logs.query.max_points); "
                    + "try decreasing the query resolution (?step=XX)");
        }
        MetricEvaluator eval = new MetricEvaluator(store, config, budget, startNanos, endNanos, stepNanos);
        StepSeries result = eval.eval(e);
        return new LogQueryResult(toMatrix(result, eval), List.of(), stats(budget, began));
    }

    @Override
    public boolean check(String query) {
        return !(Parser.parse(query) instanceof Expr.LogSelector);
    }

    @Override
    public LogQueryResult instantQuery(String query, long timeNanos, int limit, boolean forward) {
        Expr e = Parser.parse(query);
        long began = System.nanoTime();
        QueryBudget budget = new QueryBudget(config.timeoutMillis());
        if (e instanceof Expr.LogSelector sel) {
            return new LogQueryResult(null, select(sel, 0, timeNanos, checkLimit(limit), forward, budget), stats(budget, began));
        }
        MetricEvaluator eval = new MetricEvaluator(store, config, budget, timeNanos, timeNanos, 1);
        StepSeries result = eval.eval(e);
        long ms = Math.floorDiv(timeNanos, 1_000_000L);
        if (result.isScalar) {
            return new LogQueryResult(new Value.Scalar(ms, result.scalarValues()[0]), List.of(), stats(budget, began));
        }
        List<Value.Sample> samples = new ArrayList<>();
        for (Map.Entry<Labels, double[]> s : result.series.entrySet()) {
            if (!Double.isNaN(s.getValue()[0])) {
                samples.add(new Value.Sample(s.getKey(), ms, s.getValue()[0]));
            }
        }
        return new LogQueryResult(new Value.Vector(samples), List.of(), stats(budget, began));
    }

    private int checkLimit(int limit) {
        if (limit <= 0 || limit > config.maxEntries()) {
            throw bad("limit must be between 1 and " + config.maxEntries() + " (logs.query.max_entries), got " + limit);
        }
        return limit;
    }

    private static QueryException bad(String message) {
        return new QueryException(QueryException.ErrorType.BAD_DATA, message);
    }

    private static LogQueryResult.Stats stats(QueryBudget budget, long began) {
        return new LogQueryResult.Stats(budget.lines(), budget.bytes(), System.nanoTime() - began);
    }

    private List<LogQueryResult.Stream> select(Expr.LogSelector sel, long min, long max, int limit, boolean forward, QueryBudget budget) {
        Pipeline pipeline = Pipeline.compile(sel.stages());
        StreamGrouper grouper = new StreamGrouper();
        LogLine line = new LogLine();
        try (LogQuerier q = store.querier(min, max)) {
            q.select(sel.matchers(), pipeline.mustContain(), forward, rec -> {
                budget.record(rec.body().length());
                line.reset(rec);
                if (!pipeline.process(line)) {
                    return true;
                }
                grouper.add(line);
                return grouper.entries() < limit;
            });
        } catch (StorageException e) {
            throw bad(e.getMessage());
        }
        return grouper.streams();
    }

    @Override
    public List<DetectedField> detectedFields(String query, long startNanos, long endNanos, int lineLimit, int fieldLimit) {
        if (!(Parser.parse(query) instanceof Expr.LogSelector sel)) {
            throw bad("detected fields need a log query, not a metric query: " + query);
        }
        if (lineLimit <= 0 || lineLimit > config.maxEntries() * 10) {
            throw bad("line_limit must be between 1 and " + config.maxEntries() * 10 + " (10 x logs.query.max_entries), got " + lineLimit);
        }
        QueryBudget budget = new QueryBudget(config.timeoutMillis());
        Pipeline pipeline = Pipeline.compile(sel.stages());
        FieldDetector detector = new FieldDetector();
        LogLine line = new LogLine();
        int[] taken = {0};
        try (LogQuerier q = store.querier(startNanos, endNanos)) {
            q.select(sel.matchers(), pipeline.mustContain(), false, rec -> {
                budget.record(rec.body().length());
                line.reset(rec);
                if (pipeline.process(line)) {
                    detector.add(line, rec.stream());
                    taken[0]++;
                }
                return taken[0] < lineLimit;
            });
        } catch (StorageException e) {
            throw bad(e.getMessage());
        }
        return detector.result(fieldLimit);
    }

    @Override
    public LogTail tail(String query) {
        Expr e = Parser.parse(query);
        if (!(e instanceof Expr.LogSelector sel)) {
            throw bad("tailing works on log queries only, not on metric queries: " + query);
        }
        if (sel.matchers().stream().allMatch(io.sightline.storage.model.Matcher::matchesEmpty)) {
            throw bad("queries require at least one label matcher that does not match the empty string, got " + sel.matchers());
        }
        return new TailFilter(sel);
    }

    private static Value toMatrix(StepSeries result, MetricEvaluator eval) {
        List<Value.SeriesPoints> series = new ArrayList<>();
        List<Map.Entry<Labels, double[]>> entries = new ArrayList<>(result.series.entrySet());
        entries.sort(MetricEvaluator.byLabels());
        for (Map.Entry<Labels, double[]> e : entries) {
            double[] v = e.getValue();
            long[] ts = new long[v.length];
            double[] vals = new double[v.length];
            int n = 0;
            for (int k = 0; k < v.length; k++) {
                if (!Double.isNaN(v[k])) {
                    ts[n] = Math.floorDiv(eval.stepTime(k), 1_000_000L);
                    vals[n++] = v[k];
                }
            }
            if (n > 0) {
                series.add(new Value.SeriesPoints(e.getKey(), ts, vals, n));
            }
        }
        return new Value.Matrix(series);
    }

    /** Parses a stream selector for the series and label APIs; bad_data when it is not one. */
    public static List<io.sightline.storage.model.Matcher> parseSelector(String selector) {
        return Parser.parseSelector(selector);
    }

    /** Parses any expression and returns its stream selectors' matchers (for label APIs given a full query). */
    public static List<io.sightline.storage.model.Matcher> selectorOf(String query) {
        Expr e = Parser.parse(query);
        while (true) {
            switch (e) {
                case Expr.LogSelector s -> {
                    return s.matchers();
                }
                case Expr.RangeAggregation r -> {
                    return r.selector().matchers();
                }
                case Expr.VectorAggregation a -> e = a.inner();
                case Expr.Binary b -> e = b.left() instanceof Expr.NumberLiteral ? b.right() : b.left();
                default -> {
                    return List.of();
                }
            }
        }
    }

    /** Nanoseconds of a LogQL duration such as {@code 1h30m}; {@link NumberFormatException} when it is not one. */
    public static long parseDuration(String text) {
        return Units.durationNanos(text);
    }
}
