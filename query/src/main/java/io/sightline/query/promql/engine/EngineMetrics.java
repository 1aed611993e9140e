package io.sightline.query.promql.engine;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;

/**
 * The PromQL engine's self-metrics, named in one place. Alert on a rising
 * {@code sightline_query_failures_total{reason="timeout"}} rate or on active queries pinned at the
 * concurrency limit.
 */
final class EngineMetrics {
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

    private final DoubleHistogram duration;
    private final LongCounter samples;
    private final LongCounter failures;
    private final LongUpDownCounter active;

    EngineMetrics(Meter meter) {
        duration = meter.histogramBuilder("sightline_query_duration_seconds")
                .setDescription("PromQL query evaluation time").setUnit("s").build();
        samples = meter.counterBuilder("sightline_query_samples_loaded_total")
                .setDescription("Samples PromQL queries read from storage").build();
        failures = meter.counterBuilder("sightline_query_failures_total")
                .setDescription("PromQL queries that failed, by reason").build();
        active = meter.upDownCounterBuilder("sightline_query_active_queries")
                .setDescription("PromQL queries being evaluated now").build();
    }

    void started() {
        active.add(1);
    }

    void finished(double seconds, long samplesLoaded) {
        active.add(-1);
        duration.record(seconds);
        samples.add(samplesLoaded);
    }

    void failed(String reason) {
        failures.add(1, Attributes.of(REASON, reason));
    }
}
