package io.sightline.query;

import io.sightline.query.logql.LogQlEngine;
import io.sightline.storage.LogStore;

/**
 * Evaluates LogQL over the log store with Loki's semantics. Metric queries return the same {@link Value}
 * types as PromQL, so an alerting rule can evaluate a LogQL expression through {@link #instantQuery} as it
 * does a PromQL one. Thread-safe. Times are Unix nanoseconds.
 */
public interface LogQueryEngine {
    static LogQueryEngine create(LogStore store, LogQueryConfig config) {
        return new LogQlEngine(store, config);
    }

    /**
     * Evaluates {@code query} over {@code [start, end]}: a log query returns up to {@code limit} lines in
     * {@code forward} (oldest first) or backward order; a metric query returns a matrix with one point per
     * {@code step}.
     *
     * @throws QueryException bad_data for a parse error or a bad parameter (naming it), timeout, execution
     *                        when a limit is passed
     */
    LogQueryResult rangeQuery(String query, long startNanos, long endNanos, long stepNanos, int limit, boolean forward);

    /**
     * Parses {@code query} without evaluating it.
     *
     * @return whether it is a metric query (one that yields numbers, usable as a rule expression)
     * @throws QueryException bad_data with the position for a parse error
     */
    boolean check(String query);

    /**
     * The fields of the newest {@code lineLimit} lines a log query keeps in {@code [start, end]} (Loki's
     * {@code detected_fields}): structured metadata, labels the query's parsers add, and what {@code json} or
     * {@code logfmt} would parse from each line. Sorted by name, at most {@code fieldLimit}.
     *
     * @throws QueryException bad_data for a parse error, a metric query, or a line limit out of range
     */
    java.util.List<DetectedField> detectedFields(String query, long startNanos, long endNanos, int lineLimit, int fieldLimit);

    /**
     * Compiles a log query for live tailing.
     *
     * @throws QueryException bad_data for a parse error, a metric query, or a selector that matches every stream
     */
    LogTail tail(String query);

    /** Evaluates {@code query} at {@code timeNanos}: a metric query returns a vector. */
    LogQueryResult instantQuery(String query, long timeNanos, int limit, boolean forward);
}
