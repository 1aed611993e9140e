package io.sightline.query;

/**
 * Query engine limits and defaults. Immutable; validated on construction, the message names the key.
 *
 * @param lookbackDeltaMillis   how far back an instant selector looks for a sample ({@code query.lookback_delta}, 5m)
 * @param timeoutMillis         default and maximum query time ({@code query.timeout}, 2m)
 * @param maxSamples            samples a query may hold in memory at once ({@code query.max_samples}, 50M)
 * @param maxConcurrentQueries  queries evaluated at once; more wait then fail ({@code query.max_concurrency}, 20)
 * @param maxPointsPerSeries    a range query's (end-start)/step limit ({@code query.max_points_per_series}, 11000)
 */
public record QueryConfig(long lookbackDeltaMillis, long timeoutMillis, long maxSamples, int maxConcurrentQueries,
                          int maxPointsPerSeries) {
    public QueryConfig {
        positive("query.lookback_delta", lookbackDeltaMillis);
        positive("query.timeout", timeoutMillis);
        positive("query.max_samples", maxSamples);
        positive("query.max_concurrency", maxConcurrentQueries);
        positive("query.max_points_per_series", maxPointsPerSeries);
    }

    public static QueryConfig defaults() {
        return new QueryConfig(300_000, 120_000, 50_000_000, 20, 11_000);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }
}
