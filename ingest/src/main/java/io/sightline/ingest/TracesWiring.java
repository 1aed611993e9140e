package io.sightline.ingest;

import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.ingest.otlp.TracesTranslator;
import io.sightline.ingest.otlp.TracesWriter;
import io.sightline.ingest.spanmetrics.SpanMetrics;
import io.sightline.storage.Appendable;
import io.sightline.storage.Queryable;
import io.sightline.storage.TraceStore;

import java.time.InstantSource;

/** Builds the traces write path (and span metrics when enabled) with its self-metrics, apart from {@link IngestService}. */
final class TracesWiring {
    private TracesWiring() {
    }

    /** Span metrics over {@code traces}, restored and recounted; null when disabled. */
    static SpanMetrics spanMetrics(TraceStore traces, Appendable metrics, Queryable reader, TracesIngestConfig config,
                                   Meter meter, InstantSource clock) {
        return config.spanMetricsEnabled() ? SpanMetrics.open(traces, metrics, reader, config, meter, clock) : null;
    }

    static TracesWriter writer(TraceStore traces, SpanMetrics spanMetrics, Meter meter) {
        LongCounter accepted = meter.counterBuilder("sightline_ingest_spans_accepted_total")
                .setDescription("OTLP spans stored").build();
        LongCounter rejected = meter.counterBuilder("sightline_ingest_spans_rejected_total")
                .setDescription("OTLP spans rejected (bad ids, times, kind or status); see partial_success").build();
        return new TracesWriter(traces, new TracesTranslator(),
                spanMetrics == null ? TracesWriter.Committer.PLAIN : spanMetrics, n -> {
                    if (n > 0) {
                        accepted.add(n);
                    }
                }, n -> {
                    if (n > 0) {
                        rejected.add(n);
                    }
                });
    }
}
