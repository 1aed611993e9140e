package io.sightline.query.promql.engine;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.QueryStats;
import io.sightline.query.Value;
import io.sightline.query.promql.function.MetricName;
import io.sightline.query.promql.function.RangeSeries;
import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.Expr;
import io.sightline.query.promql.parser.Parser;
import io.sightline.query.promql.parser.ValueType;
import io.sightline.storage.Queryable;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The PromQL engine: parses, evaluates over all steps column-wise, and shapes the result as the API returns
 * it. Thread-safe; at most {@link QueryConfig#maxConcurrentQueries()} queries evaluate at once, others wait
 * up to their timeout.
 */
public final class PromqlEngine implements QueryEngine {
    /** Prometheus's default global evaluation interval, the step of subqueries that give none. */
    static final long DEFAULT_SUBQUERY_STEP_MILLIS = 60_000;

    private final Queryable queryable;
    private final QueryConfig config;
    private final Semaphore slots;
    private final EngineMetrics metrics;
    private final LongSupplier nanoClock;
    /**
     * Idle sample buffers kept for reuse: at most 4, each only up to 4M samples (64 MiB), so the pool retains
     * at most 256 MiB however large a past query was.
     */
    private final SampleBufferPool buffers;
    private HelperThreads helpers = HelperThreads.SHARED;

    public PromqlEngine(Queryable queryable, QueryConfig config, Meter meter) {
        this(queryable, config, meter, System::nanoTime);
    }

    /** With its own helper threads (none: every query runs on its calling thread alone), for tests. */
    PromqlEngine(Queryable queryable, QueryConfig config, Meter meter, HelperThreads helpers) {
        this(queryable, config, meter, System::nanoTime);
        this.helpers = helpers;
    }

    /** With an injected monotonic clock (nanoseconds), for tests of the deadline. */
    PromqlEngine(Queryable queryable, QueryConfig config, Meter meter, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.buffers = new SampleBufferPool(Math.min(4, config.maxConcurrentQueries()), 4 << 20);
        this.queryable = queryable;
        this.config = config;
        this.slots = new Semaphore(config.maxConcurrentQueries(), true);
        this.metrics = new EngineMetrics(meter);
    }

    @Override
    public void check(String expr) {
        Parser.parse(expr);
    }

    @Override
    public QueryResult instantQuery(String expr, long timeMillis, QueryOptions options) {
        Expr e = Parser.parse(expr);
        return run(expr, e, timeMillis, timeMillis, 0, options, false);
    }

    @Override
    public QueryResult rangeQuery(String expr, long startMillis, long endMillis, long stepMillis, QueryOptions options) {
        if (stepMillis <= 0) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if (endMillis < startMillis) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "end timestamp must not be before start time");
        }
        if ((endMillis - startMillis) / stepMillis > config.maxPointsPerSeries()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "exceeded maximum resolution of "
                    + config.maxPointsPerSeries() + " points per timeseries (query.max_points_per_series). "
                    + "Try decreasing the query resolution (?step=XX)");
        }
        Expr e = Parser.parse(expr, stepMillis, endMillis - startMillis);
        if (e.type() != ValueType.SCALAR && e.type() != ValueType.VECTOR) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "invalid expression type \"" + e.type()
                    + "\" for range query, must be Scalar or instant Vector");
        }
        return run(expr, e, startMillis, endMillis, stepMillis, options, true);
    }

    private QueryResult run(String query, Expr e, long start, long end, long step, QueryOptions options, boolean range) {
        long timeout = options.timeoutMillis() > 0 ? Math.min(options.timeoutMillis(), config.timeoutMillis())
                : config.timeoutMillis();
        long lookback = options.lookbackDeltaMillis() > 0 ? options.lookbackDeltaMillis() : config.lookbackDeltaMillis();
        long t0 = nanoClock.getAsLong();
        try {
            if (!slots.tryAcquire(timeout, TimeUnit.MILLISECONDS)) {
                metrics.failed("timeout");
                throw new QueryException(QueryException.ErrorType.TIMEOUT, "query timed out in query queue");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new QueryException(QueryException.ErrorType.CANCELED, "query was canceled while queued");
        }
        metrics.started();
        QueryContext ctx = new QueryContext(query, queryable, lookback, start, end, step, t0 + TimeUnit.MILLISECONDS.toNanos(timeout),
                config.maxSamples(), DEFAULT_SUBQUERY_STEP_MILLIS, nanoClock, buffers);
        ctx.helpers = helpers;
        try {
            long[] times = range ? steps(start, end, step) : new long[]{start};
            Value v = shape(new Evaluator(ctx).eval(e, times), times, range, start, ctx);
            double secs = (nanoClock.getAsLong() - t0) / 1e9;
            QueryStats stats = options.collectStats() ? new QueryStats(ctx.queryableSamples, ctx.peakSamples, secs) : null;
            return new QueryResult(v, List.copyOf(ctx.warnings), List.copyOf(ctx.infos), stats);
        } catch (QueryException qe) {
            metrics.failed(qe.type().apiName());
            throw qe;
        } finally {
            metrics.finished((nanoClock.getAsLong() - t0) / 1e9, ctx.samplesLoaded);
            slots.release();
        }
    }

    private static long[] steps(long start, long end, long step) {
        int n = (int) ((end - start) / step) + 1;
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = start + i * step;
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Value shape(Object v, long[] times, boolean range, long time, QueryContext ctx) {
        return switch (v) {
            case Scalars s when range -> {
                ctx.holdResult(times.length);
                yield new Value.Matrix(List.of(new Value.SeriesPoints(Labels.EMPTY, times.clone(),
                        s.values().clone(), times.length)));
            }
            case Scalars s -> new Value.Scalar(time, s.values()[0]);
            case String s -> new Value.StringValue(time, s);
            case MatrixValue m -> matrix(m, ctx);
            case List<?> l -> {
                List<StepSeries> merged = CallEvaluator.merge(dropNames((List<StepSeries>) l), times.length);
                long points = 0;
                for (StepSeries s : merged) {
                    for (boolean p : s.present) {
                        points += p ? 1 : 0;
                    }
                }
                ctx.holdResult(points);
                yield vectorOrMatrix(merged, times, range);
            }
            default -> throw new IllegalStateException("BUG: unexpected value " + v.getClass());
        };
    }

    /** Delayed name removal: drop {@code __name__} where an operation asked for it. */
    private static List<StepSeries> dropNames(List<StepSeries> in) {
        for (StepSeries s : in) {
            if (s.dropName) {
                s.labels = MetricName.drop(s.labels);
                s.dropName = false;
            }
        }
        return in;
    }

    private static Value vectorOrMatrix(List<StepSeries> in, long[] times, boolean range) {
        if (!range) {
            List<Value.Sample> out = new ArrayList<>(in.size());
            for (StepSeries s : in) {
                if (s.present[0]) {
                    out.add(new Value.Sample(s.labels, times[0], s.values[0]));
                }
            }
            return new Value.Vector(out);
        }
        List<Value.SeriesPoints> out = new ArrayList<>(in.size());
        for (StepSeries s : in) {
            int n = 0;
            for (boolean p : s.present) {
                if (p) {
                    n++;
                }
            }
            if (n == 0) {
                continue;
            }
            long[] ts = new long[n];
            double[] vs = s.values; // compacted in place: the step series is not used after this
            int k = 0;
            for (int i = 0; i < times.length; i++) {
                if (s.present[i]) {
                    ts[k] = times[i];
                    vs[k++] = s.values[i];
                }
            }
            out.add(new Value.SeriesPoints(s.labels, ts, vs, n));
        }
        out.sort(Comparator.comparing(Value.SeriesPoints::labels));
        return new Value.Matrix(out);
    }

    /** An instant query of a range vector: each series' samples in its window. */
    private static Value matrix(MatrixValue m, QueryContext ctx) {
        long end = m.windowEnds()[0];
        long start = end - m.rangeMillis();
        List<Value.SeriesPoints> out = new ArrayList<>();
        for (RangeSeries rs : m.series()) {
            int lo = rs.from();
            while (lo < rs.to() && rs.ts()[lo] <= start) {
                lo++;
            }
            int hi = lo;
            while (hi < rs.to() && rs.ts()[hi] <= end) {
                hi++;
            }
            if (hi == lo) {
                continue;
            }
            ctx.queryableSamples += hi - lo;
            Labels l = rs.dropName() ? MetricName.drop(rs.labels()) : rs.labels();
            out.add(new Value.SeriesPoints(l, Arrays.copyOfRange(rs.ts(), lo, hi),
                    Arrays.copyOfRange(rs.values(), lo, hi), hi - lo));
        }
        m.release(ctx);
        out.sort(Comparator.comparing(Value.SeriesPoints::labels));
        return new Value.Matrix(out);
    }
}
