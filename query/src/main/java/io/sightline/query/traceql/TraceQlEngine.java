package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.TraceMetricsResult;
import io.sightline.query.TraceQueryConfig;
import io.sightline.query.TraceQueryEngine;
import io.sightline.query.TraceSearchResult;
import io.sightline.storage.TraceStore;

import java.util.List;
import java.util.Objects;

/**
 * The TraceQL engine behind {@link TraceQueryEngine}. Public only so that the module's HTTP API can reach
 * {@link #fromTags}; other modules use {@link TraceQueryEngine}.
 */
public final class TraceQlEngine implements TraceQueryEngine {
    private final TraceStore store;
    private final TraceQueryConfig config;

    public TraceQlEngine(TraceStore store, TraceQueryConfig config) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The TraceQL filter equivalent to Tempo's tag search: {@code tags} in logfmt, durations in nanoseconds (0 for
     * none).
     *
     * @throws QueryException bad_data for tags that are not logfmt
     */
    public static String fromTags(String tags, long minDurationNanos, long maxDurationNanos) {
        return TagsQuery.toTraceQl(tags, minDurationNanos, maxDurationNanos);
    }

    @Override
    public TraceSearchResult search(String query, long startNanos, long endNanos, int limit, int spansPerSpanSet) {
        return search(query, startNanos, endNanos, limit, spansPerSpanSet, null);
    }

    @Override
    public TraceSearchResult search(String query, long startNanos, long endNanos, int limit, int spansPerSpanSet,
                                    SearchProgress progress) {
        bounded("limit", limit, config.maxLimit(), "traces.query.max_limit");
        bounded("spss", spansPerSpanSet, config.maxSpansPerSpanSet(), "traces.query.max_spans_per_span_set");
        if (endNanos < startNanos) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "invalid time range: end " + endNanos + " is before start " + startNanos);
        }
        Ast.Query q = Parser.parse(query);
        if (!q.stages().isEmpty() && q.stages().getLast() instanceof Ast.MetricsStage) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "a TraceQL metrics query (" + query
                    + ") answers time series: ask /api/metrics/query_range, not a search");
        }
        long deadline = System.nanoTime() + config.timeoutMillis() * 1_000_000L;
        return new SearchRun(q, store, startNanos, endNanos, spansPerSpanSet, config.maxSpansInspected(), deadline,
                progress).run(limit);
    }

    private static void bounded(String param, int v, int max, String key) {
        if (v < 1 || v > max) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "invalid " + param + " " + v + ": must be between 1 and " + max + " (" + key + ")");
        }
    }

    @Override
    public TraceMetricsResult queryRange(String query, long startNanos, long endNanos, long stepNanos) {
        if (endNanos < startNanos) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "invalid time range: end " + endNanos + " is before start " + startNanos);
        }
        Ast.Query q = Parser.parse(query);
        long deadline = System.nanoTime() + config.timeoutMillis() * 1_000_000L;
        return new MetricsRun(q, store, startNanos, endNanos, stepNanos, false, config.maxSpansInspected(), deadline)
                .run();
    }

    @Override
    public TraceMetricsResult queryInstant(String query, long startNanos, long endNanos) {
        if (endNanos < startNanos) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "invalid time range: end " + endNanos + " is before start " + startNanos);
        }
        Ast.Query q = Parser.parse(query);
        long deadline = System.nanoTime() + config.timeoutMillis() * 1_000_000L;
        return new MetricsRun(q, store, startNanos, endNanos, 0, true, config.maxSpansInspected(), deadline).run();
    }

    @Override
    public int maxSpansPerTrace() {
        return config.maxSpansPerTrace();
    }

    @Override
    public void check(String query) {
        Parser.parse(query);
    }

    @Override
    public List<TagValue> tagValues(String tag, String filter, long startNanos, long endNanos, int limit) {
        return new TagValueSearch(store).values(tag, filter, startNanos, endNanos, limit);
    }
}
