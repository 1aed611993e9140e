package io.sightline.query;

/**
 * Limits of LogQL queries. Immutable; validated on construction, the message names the key.
 *
 * @param timeoutMillis  a query running longer fails with a timeout ({@code logs.query.timeout}, 2m)
 * @param maxSeries      a metric query producing more series fails ({@code logs.query.max_series}, 500 as Loki)
 * @param maxEntries     the largest {@code limit} a log query may ask for ({@code logs.query.max_entries}, 5000)
 * @param maxPoints      the most steps a range query may have ({@code logs.query.max_points}, 11000 as Prometheus)
 * @param maxSamples     the most log records a metric query may hold for its windows ({@code logs.query.max_samples}, 50M)
 */
public record LogQueryConfig(long timeoutMillis, int maxSeries, int maxEntries, int maxPoints, long maxSamples) {
    public LogQueryConfig {
        positive("logs.query.timeout", timeoutMillis);
        positive("logs.query.max_series", maxSeries);
        positive("logs.query.max_entries", maxEntries);
        positive("logs.query.max_points", maxPoints);
        positive("logs.query.max_samples", maxSamples);
    }

    public static LogQueryConfig defaults() {
        return new LogQueryConfig(120_000, 500, 5_000, 11_000, 50_000_000);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }
}
