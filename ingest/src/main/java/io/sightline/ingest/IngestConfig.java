package io.sightline.ingest;

import java.util.Objects;

/**
 * Ingest settings. Immutable; validated on construction, and an error message names the config key, the
 * value and the allowed range. Every limit here bounds a resource and is counted when hit (see
 * {@link IngestMetrics}).
 *
 * @param listenAddress            host or IP both OTLP servers bind to ({@code listen_address}, 127.0.0.1)
 * @param grpcPort                 OTLP/gRPC port ({@code otlp.grpc_port}, 4317; 0 = ephemeral)
 * @param httpPort                 OTLP/HTTP port ({@code otlp.http_port}, 4318; 0 = ephemeral)
 * @param maxRequestBytes          largest request body after decompression, in bytes; also bounds the
 *                                 compressed body and the gRPC message ({@code ingest.max_request_bytes},
 *                                 16 MiB). Larger requests get HTTP 413 / gRPC RESOURCE_EXHAUSTED
 * @param maxLabelsPerSeries       labels per series including {@code __name__}, {@code job}, {@code instance},
 *                                 {@code le} ({@code ingest.max_labels_per_series}, 64); a data point whose
 *                                 series would have more is rejected
 * @param maxLabelNameLength       characters in a label name ({@code ingest.max_label_name_length}, 256)
 * @param maxLabelValueLength      characters in a label value, the metric name included
 *                                 ({@code ingest.max_label_value_length}, 4096)
 * @param maxConcurrentRequests    requests being decoded or written at once, queued ones included
 *                                 ({@code ingest.max_concurrent_requests}, 4 x cores); past it requests get
 *                                 HTTP 429 / gRPC RESOURCE_EXHAUSTED instead of waiting in an unbounded queue
 * @param writeThreads             platform threads that decode and write requests ({@code ingest.write_threads},
 *                                 cores); at most {@code maxConcurrentRequests}
 * @param retryAfterSeconds        the retry hint sent with 429 / RESOURCE_EXHAUSTED
 *                                 ({@code ingest.retry_after_seconds}, 1)
 * @param maxDeltaSeries           series whose delta temporality is accumulated into cumulative values; the
 *                                 least recently used is forgotten past this, which reads as a counter reset; 0
 *                                 stores deltas as they come ({@code ingest.max_delta_series}, 100000)
 * @param maxFutureSkewMillis      how far ahead of the server clock a point's timestamp may be
 *                                 ({@code ingest.max_future_skew}, 1h)
 * @param promoteScopeMetadata     whether to add {@code otel_scope_name}, {@code otel_scope_version},
 *                                 {@code otel_scope_schema_url} and {@code otel_scope_<attr>} labels to every
 *                                 series ({@code ingest.promote_scope_metadata}, false as in Prometheus)
 * @param shutdownTimeoutMillis    how long a graceful stop waits for in-flight requests
 *                                 ({@code ingest.shutdown_timeout}, 10s)
 * @param seriesCacheEntries       series remembered per write thread (labels and storage reference), so a
 *                                 resent series skips building labels and the storage lookup
 *                                 ({@code ingest.series_cache_entries}, 65536, about 100 bytes each; 0 = off);
 *                                 remote write keeps one cache shared by all threads, starting at 8x this many
 *                                 slots and doubling while a quarter of its lookups miss
 */
public record IngestConfig(
        String listenAddress,
        int grpcPort,
        int httpPort,
        int maxRequestBytes,
        int maxLabelsPerSeries,
        int maxLabelNameLength,
        int maxLabelValueLength,
        int maxConcurrentRequests,
        int writeThreads,
        int retryAfterSeconds,
        int maxDeltaSeries,
        long maxFutureSkewMillis,
        boolean promoteScopeMetadata,
        long shutdownTimeoutMillis,
        int seriesCacheEntries) {

    public static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_GRPC_PORT = 4317;
    public static final int DEFAULT_HTTP_PORT = 4318;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 16 << 20;
    public static final int DEFAULT_MAX_LABELS_PER_SERIES = 64;
    public static final int DEFAULT_MAX_LABEL_NAME_LENGTH = 256;
    public static final int DEFAULT_MAX_LABEL_VALUE_LENGTH = 4096;
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;
    public static final int DEFAULT_MAX_DELTA_SERIES = 100_000;
    public static final long DEFAULT_MAX_FUTURE_SKEW_MILLIS = 3_600_000L;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 10_000L;
    public static final int DEFAULT_SERIES_CACHE_ENTRIES = 65_536;

    public IngestConfig {
        Objects.requireNonNull(listenAddress, "listen_address must be set");
        if (listenAddress.isBlank()) {
            throw new IllegalArgumentException("listen_address must not be blank");
        }
        port("otlp.grpc_port", grpcPort);
        port("otlp.http_port", httpPort);
        range("ingest.max_request_bytes", maxRequestBytes, 1024, Integer.MAX_VALUE - 8);
        range("ingest.max_labels_per_series", maxLabelsPerSeries, 4, 10_000);
        range("ingest.max_label_name_length", maxLabelNameLength, 8, 1 << 20);
        range("ingest.max_label_value_length", maxLabelValueLength, 8, 1 << 24);
        range("ingest.max_concurrent_requests", maxConcurrentRequests, 1, 1_000_000);
        range("ingest.write_threads", writeThreads, 1, maxConcurrentRequests);
        range("ingest.retry_after_seconds", retryAfterSeconds, 1, 3600);
        range("ingest.max_delta_series", maxDeltaSeries, 0, Integer.MAX_VALUE);
        if (maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException("ingest.max_future_skew must be >= 0, got " + maxFutureSkewMillis + "ms");
        }
        if (shutdownTimeoutMillis < 0) {
            throw new IllegalArgumentException("ingest.shutdown_timeout must be >= 0, got " + shutdownTimeoutMillis + "ms");
        }
        range("ingest.series_cache_entries", seriesCacheEntries, 0, 1 << 26);
    }

    /** Every default: 127.0.0.1, ports 4317 and 4318, limits as documented on the record. */
    public static IngestConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new IngestConfig(DEFAULT_LISTEN_ADDRESS, DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT, DEFAULT_MAX_REQUEST_BYTES,
                DEFAULT_MAX_LABELS_PER_SERIES, DEFAULT_MAX_LABEL_NAME_LENGTH, DEFAULT_MAX_LABEL_VALUE_LENGTH,
                Math.max(4, 4 * cores), cores, DEFAULT_RETRY_AFTER_SECONDS, DEFAULT_MAX_DELTA_SERIES,
                DEFAULT_MAX_FUTURE_SKEW_MILLIS, false, DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, DEFAULT_SERIES_CACHE_ENTRIES);
    }

    /** A copy listening on {@code address} with the given ports (0 = ephemeral). */
    public IngestConfig withListen(String address, int grpc, int http) {
        return new IngestConfig(address, grpc, http, maxRequestBytes, maxLabelsPerSeries, maxLabelNameLength,
                maxLabelValueLength, maxConcurrentRequests, writeThreads, retryAfterSeconds, maxDeltaSeries,
                maxFutureSkewMillis, promoteScopeMetadata, shutdownTimeoutMillis, seriesCacheEntries);
    }

    /** A copy with other request limits. */
    public IngestConfig withLimits(int maxRequestBytes, int maxLabelsPerSeries, int maxLabelNameLength,
                                   int maxLabelValueLength) {
        return new IngestConfig(listenAddress, grpcPort, httpPort, maxRequestBytes, maxLabelsPerSeries,
                maxLabelNameLength, maxLabelValueLength, maxConcurrentRequests, writeThreads, retryAfterSeconds,
                maxDeltaSeries, maxFutureSkewMillis, promoteScopeMetadata, shutdownTimeoutMillis, seriesCacheEntries);
    }

    /** A copy with another concurrency bound and write thread count. */
    public IngestConfig withConcurrency(int maxConcurrentRequests, int writeThreads) {
        return new IngestConfig(listenAddress, grpcPort, httpPort, maxRequestBytes, maxLabelsPerSeries,
                maxLabelNameLength, maxLabelValueLength, maxConcurrentRequests, writeThreads, retryAfterSeconds,
                maxDeltaSeries, maxFutureSkewMillis, promoteScopeMetadata, shutdownTimeoutMillis, seriesCacheEntries);
    }

    /** A copy that adds (or not) the {@code otel_scope_*} labels. */
    public IngestConfig withPromoteScopeMetadata(boolean promote) {
        return new IngestConfig(listenAddress, grpcPort, httpPort, maxRequestBytes, maxLabelsPerSeries,
                maxLabelNameLength, maxLabelValueLength, maxConcurrentRequests, writeThreads, retryAfterSeconds,
                maxDeltaSeries, maxFutureSkewMillis, promote, shutdownTimeoutMillis, seriesCacheEntries);
    }

    private static void port(String key, int port) {
        range(key, port, 0, 65_535);
    }

    private static void range(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + v);
        }
    }
}
