package io.sightline.ingest.spanmetrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Span metrics' own instruments, named in one place. Alert on {@code sightline_ingest_spanmetrics_flushes_total
 * {result="failed"}} rising (the series fall behind) and on {@code ..._spans_not_counted_total} rising (raise
 * {@code traces.span_metrics.max_series}); {@code sightline_ingest_service_graph_edges_dropped_total} rising means
 * {@code traces.service_graph.max_items} is too small for the traffic.
 */
final class SelfMetrics {
    private static final Attributes OK = Attributes.of(AttributeKey.stringKey("result"), "ok");
    private static final Attributes FAILED = Attributes.of(AttributeKey.stringKey("result"), "failed");

    private final LongCounter flushes;
    private final List<AutoCloseable> callbacks;

    SelfMetrics(Meter meter, LongSupplier labelSets, LongSupplier notCounted, EdgeStore graph) {
        flushes = meter.counterBuilder("sightline_ingest_spanmetrics_flushes_total")
                .setDescription("Span metrics flushes into the metrics store, by result.").build();
        callbacks = List.of(
                meter.gaugeBuilder("sightline_ingest_spanmetrics_label_sets").ofLongs()
                        .setDescription("Span metrics label sets and service graph edges held (bounded by traces.span_metrics.max_series).")
                        .buildWithCallback(m -> m.record(labelSets.getAsLong())),
                meter.counterBuilder("sightline_ingest_spanmetrics_spans_not_counted_total")
                        .setDescription("Spans and edges not counted because traces.span_metrics.max_series was reached.")
                        .buildWithCallback(m -> m.record(notCounted.getAsLong())),
                meter.counterBuilder("sightline_ingest_service_graph_edges_dropped_total")
                        .setDescription("Client/server span halves dropped because traces.service_graph.max_items were waiting.")
                        .buildWithCallback(m -> m.record(graph.dropped())),
                meter.counterBuilder("sightline_ingest_service_graph_edges_expired_total")
                        .setDescription("Client/server span halves whose other half did not come within traces.service_graph.wait.")
                        .buildWithCallback(m -> m.record(graph.expired())));
    }

    void flushed(boolean ok) {
        flushes.add(1, ok ? OK : FAILED);
    }

    void close() {
        for (AutoCloseable c : callbacks) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("BUG: closing an instrument callback failed", e);
            }
        }
    }
}
