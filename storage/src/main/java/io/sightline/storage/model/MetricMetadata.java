package io.sightline.storage.model;

/**
 * Metadata of one metric family, as Prometheus's {@code /api/v1/metadata} reports it.
 *
 * @param type counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown
 * @param help free text, may be empty
 * @param unit may be empty
 */
public record MetricMetadata(String type, String help, String unit) {
}
