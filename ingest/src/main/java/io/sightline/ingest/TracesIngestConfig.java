package io.sightline.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of OTLP traces ingest and span metrics. Immutable; validated on construction, the message names the key.
 *
 * @param spanMetricsEnabled      whether spans update the RED and service graph series
 *                                ({@code traces.span_metrics.enabled}, true)
 * @param latencyBuckets          upper bounds in seconds of {@code traces_spanmetrics_latency}, strictly ascending,
 *                                finite ({@code traces.span_metrics.buckets}, Tempo's 0.002 x 2^i for i < 14)
 * @param flushIntervalMillis     how often the series are written into the metrics store
 *                                ({@code traces.span_metrics.flush_interval}, 15s)
 * @param maxSeries               label sets kept (span metric label sets plus service graph edges); spans of a new
 *                                label set past it are not counted, and that is counted
 *                                ({@code traces.span_metrics.max_series}, 100000; each costs ~20 series in the TSDB)
 * @param serviceGraphWaitMillis  how long half of a client/server pair waits for its other half
 *                                ({@code traces.service_graph.wait}, 10s)
 * @param serviceGraphMaxItems    unpaired halves kept waiting; past it new halves are dropped and counted
 *                                ({@code traces.service_graph.max_items}, 10000)
 */
public record TracesIngestConfig(boolean spanMetricsEnabled, List<Double> latencyBuckets, long flushIntervalMillis,
                                 int maxSeries, long serviceGraphWaitMillis, int serviceGraphMaxItems) {
    /** Tempo's default span metrics buckets: 2 ms to 16.384 s, doubling. */
    public static final List<Double> DEFAULT_LATENCY_BUCKETS = exponential(0.002, 14);
    public static final long DEFAULT_FLUSH_INTERVAL_MILLIS = 15_000;
    public static final int DEFAULT_MAX_SERIES = 100_000;
    public static final long DEFAULT_SERVICE_GRAPH_WAIT_MILLIS = 10_000;
    public static final int DEFAULT_SERVICE_GRAPH_MAX_ITEMS = 10_000;

    public TracesIngestConfig {
        latencyBuckets = List.copyOf(Objects.requireNonNull(latencyBuckets, "traces.span_metrics.buckets"));
        if (latencyBuckets.isEmpty()) {
            throw new IllegalArgumentException("traces.span_metrics.buckets must hold at least one bound");
        }
        for (int i = 0; i < latencyBuckets.size(); i++) {
            double b = latencyBuckets.get(i);
            if (!Double.isFinite(b)) {
                throw new IllegalArgumentException("traces.span_metrics.buckets must be finite (+Inf is implied), got " + b);
            }
            if (i > 0 && b <= latencyBuckets.get(i - 1)) {
                throw new IllegalArgumentException("traces.span_metrics.buckets must be strictly ascending, got "
                        + latencyBuckets.get(i - 1) + " before " + b);
            }
        }
        if (latencyBuckets.size() > 100) {
            throw new IllegalArgumentException("traces.span_metrics.buckets holds " + latencyBuckets.size()
                    + " bounds; at most 100 are allowed");
        }
        if (flushIntervalMillis < 100 || flushIntervalMillis > 3_600_000) {
            throw new IllegalArgumentException("traces.span_metrics.flush_interval must be between 100ms and 1h, got "
                    + flushIntervalMillis + "ms");
        }
        if (maxSeries < 1 || maxSeries > 10_000_000) {
            throw new IllegalArgumentException("traces.span_metrics.max_series must be between 1 and 10000000, got " + maxSeries);
        }
        if (serviceGraphWaitMillis < 1) {
            throw new IllegalArgumentException("traces.service_graph.wait must be > 0, got " + serviceGraphWaitMillis + "ms");
        }
        if (serviceGraphMaxItems < 1 || serviceGraphMaxItems > 10_000_000) {
            throw new IllegalArgumentException("traces.service_graph.max_items must be between 1 and 10000000, got "
                    + serviceGraphMaxItems);
        }
    }

    public static TracesIngestConfig defaults() {
        return new TracesIngestConfig(true, DEFAULT_LATENCY_BUCKETS, DEFAULT_FLUSH_INTERVAL_MILLIS, DEFAULT_MAX_SERIES,
                DEFAULT_SERVICE_GRAPH_WAIT_MILLIS, DEFAULT_SERVICE_GRAPH_MAX_ITEMS);
    }

    /** A copy flushing every {@code millis}. */
    public TracesIngestConfig withFlushInterval(long millis) {
        return new TracesIngestConfig(spanMetricsEnabled, latencyBuckets, millis, maxSeries, serviceGraphWaitMillis,
                serviceGraphMaxItems);
    }

    /** {@code count} bounds {@code start}, 2 x start, 4 x start, ... */
    static List<Double> exponential(double start, int count) {
        List<Double> out = new ArrayList<>(count);
        double b = start;
        for (int i = 0; i < count; i++) {
            out.add(b);
            b *= 2;
        }
        return List.copyOf(out);
    }
}
