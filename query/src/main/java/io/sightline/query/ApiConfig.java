package io.sightline.query;

import java.util.Map;
import java.util.Objects;

/**
 * Settings of the HTTP API server on 9090. Immutable; validated on construction, the message names the key.
 *
 * @param listenAddress         address to bind ({@code listen_address}, 127.0.0.1)
 * @param port                  port to bind; 0 picks a free one ({@code http_port}, 9090)
 * @param maxBodyBytes          largest request body accepted, counted after decompression; larger gets 413
 *                              ({@code http.max_body_bytes}, 16 MiB)
 * @param maxHeaderBytes        largest request line and largest header block; larger gets 400
 *                              ({@code http.max_header_bytes}, 64 KiB)
 * @param workerThreads         threads that run handlers; handlers never run on the event loop
 *                              ({@code http.worker_threads}, 8)
 * @param workerQueueCapacity   requests that may wait for a worker; beyond that the server answers 503 with
 *                              Retry-After ({@code http.worker_queue}, 64)
 * @param idleTimeoutMillis     an idle keep-alive connection is closed after this ({@code http.idle_timeout}, 5m)
 * @param shutdownTimeoutMillis how long close() waits for in-flight requests ({@code http.shutdown_timeout}, 10s)
 * @param maxConnections        open connections at once; one more is answered 503 and closed
 *                              ({@code http.max_connections}, 512, as Prometheus's {@code --web.max-connections})
 * @param query                 the engine's limits; the API checks {@code max_points_per_series} at the edge, as
 *                              Prometheus does
 * @param status                what the {@code /api/v1/status/*} endpoints report
 */
public record ApiConfig(String listenAddress, int port, int maxBodyBytes, int maxHeaderBytes, int workerThreads,
                        int workerQueueCapacity, long idleTimeoutMillis, long shutdownTimeoutMillis, int maxConnections,
                        QueryConfig query, Status status) {
    public static final int DEFAULT_PORT = 9090;
    public static final int DEFAULT_MAX_CONNECTIONS = 512;

    /** With the default {@code http.max_connections}. */
    public ApiConfig(String listenAddress, int port, int maxBodyBytes, int maxHeaderBytes, int workerThreads,
                     int workerQueueCapacity, long idleTimeoutMillis, long shutdownTimeoutMillis, QueryConfig query,
                     Status status) {
        this(listenAddress, port, maxBodyBytes, maxHeaderBytes, workerThreads, workerQueueCapacity, idleTimeoutMillis,
                shutdownTimeoutMillis, DEFAULT_MAX_CONNECTIONS, query, status);
    }

    public ApiConfig {
        Objects.requireNonNull(listenAddress, "listen_address");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(status, "status");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("http_port must be within 0..65535, got " + port);
        }
        positive("http.max_body_bytes", maxBodyBytes);
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("http.max_header_bytes must be at least 1024, got " + maxHeaderBytes);
        }
        positive("http.worker_threads", workerThreads);
        positive("http.worker_queue", workerQueueCapacity);
        positive("http.idle_timeout", idleTimeoutMillis);
        if (shutdownTimeoutMillis < 0) {
            throw new IllegalArgumentException("http.shutdown_timeout must be >= 0, got " + shutdownTimeoutMillis + "ms");
        }
        positive("http.max_connections", maxConnections);
    }

    /** Every default: 127.0.0.1:9090. */
    public static ApiConfig defaults() {
        return new ApiConfig("127.0.0.1", DEFAULT_PORT, 16 << 20, 64 << 10, 8, 64, 300_000, 10_000,
                DEFAULT_MAX_CONNECTIONS, QueryConfig.defaults(), Status.unknown());
    }

    public ApiConfig withListen(String address, int newPort) {
        return new ApiConfig(address, newPort, maxBodyBytes, maxHeaderBytes, workerThreads, workerQueueCapacity,
                idleTimeoutMillis, shutdownTimeoutMillis, maxConnections, query, status);
    }

    public ApiConfig withStatus(Status newStatus) {
        return new ApiConfig(listenAddress, port, maxBodyBytes, maxHeaderBytes, workerThreads, workerQueueCapacity,
                idleTimeoutMillis, shutdownTimeoutMillis, maxConnections, query, newStatus);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }

    /**
     * What the status endpoints report; the server module fills it from its build and its configuration.
     *
     * @param version          {@code /status/buildinfo} version
     * @param revision         source revision
     * @param branch           source branch
     * @param buildUser        who built it
     * @param buildDate        when it was built
     * @param flags            {@code /status/flags}: effective command-line flags, name to value
     * @param configYaml       {@code /status/config}: the effective configuration as YAML, secrets redacted
     * @param storageRetention {@code /status/runtimeinfo} storageRetention, e.g. {@code 15d}
     */
    public record Status(String version, String revision, String branch, String buildUser, String buildDate,
                         Map<String, String> flags, String configYaml, String storageRetention) {
        public Status {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(buildUser, "buildUser");
            Objects.requireNonNull(buildDate, "buildDate");
            flags = Map.copyOf(flags);
            Objects.requireNonNull(configYaml, "configYaml");
            Objects.requireNonNull(storageRetention, "storageRetention");
        }

        /** Placeholders for tests and for a server that has not said more. */
        public static Status unknown() {
            return new Status("0.1.0", "unknown", "unknown", "unknown", "unknown", Map.of(), "", "15d");
        }
    }
}
