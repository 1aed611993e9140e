package io.sightline.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
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
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

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
                .setDescription("OTLP spans rejected, by reason (invalid_trace_id, invalid_span_id, invalid_parent_span_id, invalid_link, invalid_time, invalid_kind, invalid_status); see partial_success").build();
        return new TracesWriter(traces, new TracesTranslator(),
                spanMetrics == null ? TracesWriter.Committer.PLAIN : spanMetrics, n -> {
                    if (n > 0) {
                        accepted.add(n);
                    }
                }, (reason, n) -> rejected.add(n, Attributes.of(REASON, reason)));
    }
}
