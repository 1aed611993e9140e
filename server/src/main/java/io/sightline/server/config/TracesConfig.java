package io.sightline.server.config;

import io.sightline.ingest.TracesIngestConfig;
import io.sightline.query.TraceQueryConfig;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code traces.*} keys mapped onto the trace store, traces ingest (span metrics) and TraceQL configs.
 *
 * @param store  the trace store under {@code <data_dir>/traces}
 * @param ingest span metrics and service graph settings
 * @param query  TraceQL search limits of the Tempo API
 */
public record TracesConfig(TraceStoreConfig store, TracesIngestConfig ingest, TraceQueryConfig query) {
    static TracesConfig from(ConfigSource src, Path dataDir, WalSyncMode walSyncMode, long walSyncIntervalMillis) {
        TraceStoreConfig ds = TraceStoreConfig.defaults(dataDir.resolve("traces"));
        TraceStoreConfig store = new TraceStoreConfig(ds.dir(),
                src.durationMillis("traces.segment_duration", ds.segmentDurationMillis()),
                src.bytes("traces.max_head_bytes", ds.maxHeadBytes()),
                src.durationMillis("traces.retention", ds.retentionMillis()),
                walSyncMode, walSyncIntervalMillis,
                src.list("traces.indexed_attributes", ds.indexedAttributes()),
                src.bytes("traces.retention_size", ds.retentionBytes()));
        TracesIngestConfig di = TracesIngestConfig.defaults();
        TracesIngestConfig ingest = new TracesIngestConfig(
                src.bool("traces.span_metrics.enabled", di.spanMetricsEnabled()),
                buckets(src.list("traces.span_metrics.buckets", null), di.latencyBuckets()),
                src.durationMillis("traces.span_metrics.flush_interval", di.flushIntervalMillis()),
                (int) Math.min(Integer.MAX_VALUE, src.integer("traces.span_metrics.max_series", di.maxSeries())),
                src.durationMillis("traces.service_graph.wait", di.serviceGraphWaitMillis()),
                (int) Math.min(Integer.MAX_VALUE, src.integer("traces.service_graph.max_items", di.serviceGraphMaxItems())));
        TraceQueryConfig dq = TraceQueryConfig.defaults();
        TraceQueryConfig query = new TraceQueryConfig(
                src.durationMillis("traces.query.timeout", dq.timeoutMillis()),
                (int) Math.min(Integer.MAX_VALUE, src.integer("traces.query.max_limit", dq.maxLimit())),
                (int) Math.min(Integer.MAX_VALUE, src.integer("traces.query.max_spans_per_span_set", dq.maxSpansPerSpanSet())),
                src.integer("traces.query.max_spans_inspected", dq.maxSpansInspected()),
                (int) Math.min(Integer.MAX_VALUE, src.integer("traces.query.max_spans_per_trace", dq.maxSpansPerTrace())));
        return new TracesConfig(store, ingest, query);
    }

    private static List<Double> buckets(List<String> texts, List<Double> defaults) {
        if (texts == null) {
            return defaults;
        }
        List<Double> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            try {
                out.add(Double.parseDouble(t.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("traces.span_metrics.buckets must hold numbers (seconds), got \"" + t + "\"");
            }
        }
        return out;
    }
}
