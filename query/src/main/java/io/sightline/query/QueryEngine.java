package io.sightline.query;

/**
 * Evaluates PromQL with Prometheus semantics (5m lookback by default, staleness markers, step-aligned
 * range evaluation). Thread-safe; queries run concurrently up to {@link QueryConfig#maxConcurrentQueries()}.
 * Create with {@code QueryEngines.promql(queryable, config, meter)}.
 */
public interface QueryEngine {
    /**
     * Evaluates {@code expr} at one instant.
     *
     * @throws QueryException with {@link QueryException.ErrorType#BAD_DATA} for a parse error (with the
     *                        position), {@code EXECUTION} for a runtime error, {@code TIMEOUT}, ...
     */
    QueryResult instantQuery(String expr, long timeMillis, QueryOptions options);

    /**
     * Parses {@code expr} without evaluating it, as {@code promtool check rules} does.
     *
     * @throws QueryException with {@link QueryException.ErrorType#BAD_DATA} and the position for a parse error
     */
    void check(String expr);

    /** Evaluates {@code expr} at every {@code start + k*step <= end}; returns a matrix (or an error). */
    QueryResult rangeQuery(String expr, long startMillis, long endMillis, long stepMillis, QueryOptions options);
}
