package io.sightline.query;

/** Timings and sample counts of one query, as Prometheus's {@code stats=all}. */
public record QueryStats(long totalQueryableSamples, long peakSamples, double execTotalSeconds) {
}
