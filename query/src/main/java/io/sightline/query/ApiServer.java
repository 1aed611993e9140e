package io.sightline.query;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.query.api.HttpApiServer;
import io.sightline.storage.LogStore;
import io.sightline.storage.Storage;
import io.sightline.storage.TraceStore;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

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
     * As {@link #start(ApiConfig, QueryEngine, Storage, LogQueryEngine, LogStore, List, Meter)}, also serving the
     * Tempo API ({@code /api/traces/<id>}, {@code /api/v2/traces/<id>}, {@code /api/search},
     * {@code /api/search/tags}, {@code /api/v2/search/tags}, {@code /api/search/tag/<name>/values},
     * {@code /api/v2/search/tag/<name>/values}, {@code /api/echo}, {@code /api/status/buildinfo}) from
     * {@code traces} over {@code traceStore}, and Tempo's gRPC streaming service ({@code tempopb.StreamingQuerier})
     * over HTTP/2 on the same port (cleartext prior knowledge, or ALPN {@code h2} with TLS). {@code logs} and
     * {@code logStore} may be null (no Loki API).
     */
    static ApiServer start(ApiConfig config, QueryEngine engine, Storage storage, LogQueryEngine logs, LogStore logStore,
                           TraceQueryEngine traces, TraceStore traceStore, List<Route> extraRoutes, Meter meter) {
        return HttpApiServer.start(config, engine, storage, logs, logStore, Objects.requireNonNull(traces, "traces"),
                traceStore, extraRoutes, meter);
    }

    /**
     * As {@link #start(ApiConfig, QueryEngine, Storage, LogQueryEngine, LogStore, TraceQueryEngine, TraceStore, List,
     * Meter)}, protected by {@code security}: TLS when {@link ApiSecurity#tls()} is set, every request checked by
     * {@link ApiSecurity#access()} before its body is read, and the whole-request deadline. {@code logs},
     * {@code logStore}, {@code traces} and {@code traceStore} may be null (no Loki or Tempo API).
     *
     * @throws IllegalStateException when the address cannot be bound or the TLS keys are unusable
     */
    static ApiServer start(ApiConfig config, ApiSecurity security, QueryEngine engine, Storage storage,
                           LogQueryEngine logs, LogStore logStore, TraceQueryEngine traces, TraceStore traceStore,
                           List<Route> extraRoutes, Meter meter) {
        return HttpApiServer.start(config, security, engine, storage, logs, logStore, traces, traceStore, extraRoutes,
                meter);
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
