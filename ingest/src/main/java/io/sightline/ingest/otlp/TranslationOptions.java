package io.sightline.ingest.otlp;

/**
 * What the translator enforces and adds; see {@code io.sightline.ingest.IngestConfig} for the keys and
 * defaults.
 */
public record TranslationOptions(int maxLabelsPerSeries, int maxLabelNameLength, int maxLabelValueLength,
                                 long maxFutureSkewMillis, boolean promoteScopeMetadata, int maxDeltaSeries,
                                 int seriesCacheEntries) {
}
