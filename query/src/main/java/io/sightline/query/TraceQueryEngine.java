package io.sightline.query;

import io.sightline.query.traceql.TraceQlEngine;
import io.sightline.storage.TraceStore;

import java.util.List;

/**
 * Evaluates TraceQL searches over the trace store with Tempo's semantics. Thread-safe. Times are Unix nanoseconds.
 */
public interface TraceQueryEngine {
    static TraceQueryEngine create(TraceStore store, TraceQueryConfig config) {
        return new TraceQlEngine(store, config);
    }

    /**
     * Finds traces with spans whose start lies in {@code [startNanos, endNanos]} and that satisfy {@code query}.
     *
     * @param limit           most traces returned, newest first; 1..{@link TraceQueryConfig#maxLimit()}
     * @param spansPerSpanSet most matched spans returned per trace; 1..{@link TraceQueryConfig#maxSpansPerSpanSet()}
     * @throws QueryException bad_data for a parse error (with its position) or a bad argument (naming it), timeout
     */
    TraceSearchResult search(String query, long startNanos, long endNanos, int limit, int spansPerSpanSet);

    /**
     * As {@link #search(String, long, long, int, int)}, telling {@code progress} what it has found after each part of
     * the time range it reads (a search reads newest windows first), so that a streaming client sees traces before
     * the search ends. The traces told may differ from the final answer's: a trace told early can drop out of the
     * newest {@code limit} when older spans of it are read, and its matched count can still grow.
     *
     * @param progress called on the searching thread; returning false stops the search with a canceled error
     * @throws QueryException canceled when {@code progress} stopped it, and as the plain search
     */
    default TraceSearchResult search(String query, long startNanos, long endNanos, int limit, int spansPerSpanSet,
                                     SearchProgress progress) {
        return search(query, startNanos, endNanos, limit, spansPerSpanSet);
    }

    /**
     * Evaluates a TraceQL metrics query over the spans that start in {@code [startNanos, endNanos]}, in intervals of
     * {@code stepNanos} aligned to multiples of the step (Tempo's alignment).
     *
     * @throws QueryException bad_data for a query without a metrics function, a spanset expression other than
     *                        filters joined by {@code ||}, or too many intervals; timeout
     */
    TraceMetricsResult queryRange(String query, long startNanos, long endNanos, long stepNanos);

    /**
     * Evaluates a TraceQL metrics query as one interval over the whole of {@code [startNanos, endNanos]} (not
     * aligned): each series has one value, its timestamp the start. {@code rate()} is spans per second of the range.
     *
     * @throws QueryException as {@link #queryRange}
     */
    TraceMetricsResult queryInstant(String query, long startNanos, long endNanos);

    /**
     * Parses {@code query} without evaluating it.
     *
     * @throws QueryException bad_data with the position of the error
     */
    void check(String query);

    /**
     * Distinct values of {@code tag} (a TraceQL identifier: {@code resource.service.name}, {@code span.http.route},
     * {@code .http.route}, {@code name}, {@code status}, {@code kind}; a bare name is unscoped) on spans in range,
     * sorted, at most {@code limit}. With a {@code filter} (a single spanset filter such as
     * {@code { resource.service.name = "api" }}) only spans matching it count; a filter that does not parse is
     * ignored, as Tempo does for autocomplete.
     *
     * @throws QueryException bad_data for a tag that is not an identifier
     */
    List<TagValue> tagValues(String tag, String filter, long startNanos, long endNanos, int limit);

    /**
     * The most spans a trace fetched by id is answered with ({@link TraceQueryConfig#maxSpansPerTrace()}).
     */
    default int maxSpansPerTrace() {
        return TraceQueryConfig.DEFAULT_MAX_SPANS_PER_TRACE;
    }

    /** Receives a running search's findings; see {@link #search(String, long, long, int, int, SearchProgress)}. */
    @FunctionalInterface
    interface SearchProgress {
        /**
         * @param soFar the newest traces qualifying on what was read so far, at most the search's limit, with the
         *              spans inspected so far
         * @return whether the search should go on
         */
        boolean found(TraceSearchResult soFar);
    }

    /**
     * A typed tag value, as Tempo's v2 tag values API lists it.
     *
     * @param type {@code string}, {@code int}, {@code float}, {@code bool}, {@code duration} or {@code keyword}
     *             (status and kind names)
     */
    record TagValue(String type, String value) {
    }
}
