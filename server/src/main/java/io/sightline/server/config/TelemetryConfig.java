package io.sightline.server.config;

/**
 * How Sightline reports on itself.
 *
 * @param selfScrapeIntervalMillis how often its own metrics are written into its own store with
 *                                 {@code job="sightline"} ({@code self_monitoring.interval}, 15s; 0 = off)
 * @param jsonLogs                 whether log lines are JSON objects, one per line ({@code log.format: json})
 *                                 instead of text ({@code log.format: text}, the default)
 */
public record TelemetryConfig(long selfScrapeIntervalMillis, boolean jsonLogs) {
    public static final long DEFAULT_SELF_SCRAPE_INTERVAL_MILLIS = 15_000;

    public TelemetryConfig {
        if (selfScrapeIntervalMillis != 0 && selfScrapeIntervalMillis < 1000) {
            throw new IllegalArgumentException("self_monitoring.interval must be 0 (off) or at least 1s, got "
                    + selfScrapeIntervalMillis + "ms");
        }
    }

    enum LogFormat { TEXT, JSON }

    static TelemetryConfig from(ConfigSource src) {
        return new TelemetryConfig(src.durationMillis("self_monitoring.interval", DEFAULT_SELF_SCRAPE_INTERVAL_MILLIS),
                src.enumValue("log.format", LogFormat.class, LogFormat.TEXT) == LogFormat.JSON);
    }
}
