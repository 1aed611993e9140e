package io.sightline.query;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.query.api.HttpApiServer;
import io.sightline.storage.LogStore;
import io.sightline.storage.Storage;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The HTTP API server on 9090: the Prometheus HTTP API ({@code /api/v1/...}) plus the routes other modules add
 * (health, readiness, {@code /metrics}, OTLP/HTTP). HTTP/1.1 with keep-alive and gzip; bodies bounded by
 * {@link ApiConfig#maxBodyBytes()}; handlers run on a bounded worker pool and overload answers 503 with
 * Retry-After. Thread-safe.
 */
public interface ApiServer extends AutoCloseable {
    /**
     * Binds and starts serving. Returns once the port is bound.
     *
     * @param engine      evaluates {@code /api/v1/query} and {@code /api/v1/query_range}
     * @param storage     answers series, labels, label values, metadata and TSDB status
     * @param extraRoutes routes of other modules; a path registered twice is refused
     * @param meter       receives {@code sightline_http_requests_total} and
     *                    {@code sightline_http_request_duration_seconds}
     * @throws IllegalStateException when the address cannot be bound (the message names it)
     */
    static ApiServer start(ApiConfig config, QueryEngine engine, Storage storage, List<Route> extraRoutes,
                           Meter meter) {
        return HttpApiServer.start(config, engine, storage, extraRoutes, meter);
    }

    /**
     * As {@link #start(ApiConfig, QueryEngine, Storage, List, Meter)}, also serving the Loki API
     * ({@code /loki/api/v1/...}) from {@code logs} over {@code logStore}.
     */
    static ApiServer start(ApiConfig config, QueryEngine engine, Storage storage, LogQueryEngine logs, LogStore logStore,
                           List<Route> extraRoutes, Meter meter) {
        return HttpApiServer.start(config, engine, storage, logs, logStore, extraRoutes, meter);
    }

    /**
     * As {@link #start(ApiConfig, QueryEngine, Storage, LogQueryEngine, LogStore, List, Meter)}, protected by
     * {@code security}: TLS when {@link ApiSecurity#tls()} is set, every request checked by
     * {@link ApiSecurity#access()} before its body is read, and the whole-request deadline.
     *
     * @throws IllegalStateException when the address cannot be bound or the TLS keys are unusable
     */
    static ApiServer start(ApiConfig config, ApiSecurity security, QueryEngine engine, Storage storage,
                           LogQueryEngine logs, LogStore logStore, List<Route> extraRoutes, Meter meter) {
        return HttpApiServer.start(config, security, engine, storage, logs, logStore, extraRoutes, meter);
    }

    /** The bound address; its port is the real one when the configured port was 0. */
    InetSocketAddress address();

    default int port() {
        return address().getPort();
    }

    /**
     * Stops accepting connections, lets in-flight requests finish (up to {@link ApiConfig#shutdownTimeoutMillis()}),
     * then closes every connection and thread. Idempotent.
     */
    @Override
    void close();
}
