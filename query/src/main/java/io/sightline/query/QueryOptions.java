package io.sightline.query;

/**
 * Per-query options from the HTTP request.
 *
 * @param timeoutMillis        this query's timeout; 0 means the engine's configured default
 * @param lookbackDeltaMillis  0 means the engine's configured default (5m)
 * @param collectStats         whether to fill {@link QueryResult#stats()}
 */
public record QueryOptions(long timeoutMillis, long lookbackDeltaMillis, boolean collectStats) {
    public static final QueryOptions DEFAULT = new QueryOptions(0, 0, false);
}
