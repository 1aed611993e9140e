package io.sightline.ingest;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.ingest.grpc.LogsGrpcService;
import io.sightline.ingest.grpc.OtlpGrpcServer;
import io.sightline.ingest.grpc.TracesGrpcService;
import io.sightline.ingest.http.OtlpHttpServer;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.LogsWriter;
import io.sightline.ingest.otlp.MetricsTranslator;
import io.sightline.ingest.otlp.MetricsWriter;
import io.sightline.ingest.otlp.TracesWriter;
import io.sightline.ingest.otlp.TranslationOptions;
import io.sightline.ingest.remote.RemoteWriteEndpoint;
import io.sightline.ingest.spanmetrics.SpanMetrics;
import io.sightline.storage.Appendable;
import io.sightline.storage.LogStore;
import io.sightline.storage.Queryable;
import io.sightline.storage.TraceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Objects;

/**
 * OTLP ingest: the OTLP/gRPC server ({@code MetricsService/Export}, and {@code LogsService}, {@code TraceService}
 * when their stores are given), the OTLP/HTTP server ({@code POST /v1/metrics}, {@code /v1/logs}, {@code /v1/traces}), and {@link #handleMetrics} for the API port's
 * {@code /api/v1/otlp/v1/metrics} route, and {@link #handleRemoteWrite} for Prometheus remote write on
 * {@code /api/v1/write}. Everything writes through the given {@link Appendable}, one
 * appender per request, acknowledged only after commit.
 *
 * <p>Lifecycle: {@link #start} binds both ports; {@link #close()} stops gracefully: stop accepting, let
 * in-flight requests finish (up to {@code ingest.shutdown_timeout}), then close connections. Start it after
 * storage and close it before storage. Thread-safe.
 */
public final class IngestService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final WriteLimiter limiter;
    private final MetricsHttpEndpoint apiEndpoint;
    private final IngestMetrics metrics;
    private RemoteWriteEndpoint remoteWrite; // set once in start(), before the service is published
    private final Object lifecycleLock = new Object();
    private OtlpGrpcServer grpc;
    private OtlpHttpServer http;
    private SpanMetrics spanMetrics; // set once in start(), before the service is published; null without traces
    private boolean closed;

    private IngestService(IngestConfig config, WriteLimiter limiter, MetricsHttpEndpoint apiEndpoint, IngestMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.limiter = limiter;
        this.apiEndpoint = apiEndpoint;
    }

    /**
     * Starts both OTLP servers on {@code config.listenAddress()}.
     *
     * @param storage where samples go
     * @param meter   for ingest's self-metrics (see {@link IngestMetrics})
     * @throws IOException when a port cannot be bound; nothing is left running then
     */
    public static IngestService start(IngestConfig config, Appendable storage, Meter meter) throws IOException {
        return start(config, storage, meter, InstantSource.system());
    }

    static IngestService start(IngestConfig config, Appendable storage, Meter meter, InstantSource clock) throws IOException {
        return start(config, storage, null, null, meter, clock);
    }

    /**
     * Starts both OTLP servers, also receiving logs ({@code LogsService/Export}, {@code POST /v1/logs}) into
     * {@code logs}.
     */
    public static IngestService start(IngestConfig config, Appendable storage, LogStore logs, LogsIngestConfig logsConfig,
                                      Meter meter) throws IOException {
        return start(config, storage, Objects.requireNonNull(logs, "logs"), Objects.requireNonNull(logsConfig, "logsConfig"),
                meter, InstantSource.system());
    }

    static IngestService start(IngestConfig config, Appendable storage, LogStore logs, LogsIngestConfig logsConfig,
                               Meter meter, InstantSource clock) throws IOException {
        return start(config, storage, null, logs, logsConfig, null, null, meter, clock);
    }

    /**
     * Starts both OTLP servers receiving metrics, logs ({@code logs} may be null) and traces
     * ({@code TraceService/Export}, {@code POST /v1/traces}) into {@code traces}. With span metrics enabled, their
     * series are restored from {@code storage} and the trace store's commits since the last flush recounted
     * before the ports open, then flushed into {@code storage} every {@code traces.span_metrics.flush_interval}.
     */
    public static <S extends Appendable & Queryable> IngestService start(IngestConfig config, S storage, LogStore logs,
                                                                         LogsIngestConfig logsConfig, TraceStore traces,
                                                                         TracesIngestConfig tracesConfig, Meter meter) throws IOException {
        return start(config, storage, storage, logs, logsConfig, Objects.requireNonNull(traces, "traces"),
                Objects.requireNonNull(tracesConfig, "tracesConfig"), meter, InstantSource.system());
    }

    static IngestService start(IngestConfig config, Appendable storage, Queryable reader, LogStore logs,
                               LogsIngestConfig logsConfig, TraceStore traces, TracesIngestConfig tracesConfig, Meter meter,
                               InstantSource clock) throws IOException {
        return start(config, storage, reader, logs, logsConfig, traces, tracesConfig, meter, clock, IngestSecurity.none());
    }

    /**
     * As {@link #start(IngestConfig, Appendable, LogStore, LogsIngestConfig, TraceStore, TracesIngestConfig, Meter)},
     * with both listeners protected by {@code security} (TLS, credentials, connection limits).
     */
    public static <S extends Appendable & Queryable> IngestService start(IngestConfig config, S storage, LogStore logs,
                                                                         LogsIngestConfig logsConfig, TraceStore traces,
                                                                         TracesIngestConfig tracesConfig, Meter meter,
                                                                         IngestSecurity security) throws IOException {
        return start(config, storage, storage, logs, logsConfig, Objects.requireNonNull(traces, "traces"),
                Objects.requireNonNull(tracesConfig, "tracesConfig"), meter, InstantSource.system(),
                Objects.requireNonNull(security, "security"));
    }

    static IngestService start(IngestConfig config, Appendable storage, Queryable reader, LogStore logs,
                               LogsIngestConfig logsConfig, TraceStore traces, TracesIngestConfig tracesConfig, Meter meter,
                               InstantSource clock, IngestSecurity security) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(meter, "meter");
        WriteLimiter limiter = new WriteLimiter(config.maxConcurrentRequests(), config.writeThreads(), "sightline-ingest-write");
        MetricsTranslator translator = new MetricsTranslator(new TranslationOptions(config.maxLabelsPerSeries(),
                config.maxLabelNameLength(), config.maxLabelValueLength(), config.maxFutureSkewMillis(),
                config.promoteScopeMetadata(), config.maxDeltaSeries(), config.seriesCacheEntries()));
        MetricsWriter writer = new MetricsWriter(storage, translator, clock);
        IngestMetrics metrics = new IngestMetrics(meter, limiter::inFlight, translator::deltaSeriesEvicted);
        MetricsHttpEndpoint httpEndpoint = new MetricsHttpEndpoint(writer, metrics, "http", config.maxRequestBytes(),
                config.retryAfterSeconds());
        MetricsHttpEndpoint apiEndpoint = new MetricsHttpEndpoint(writer, metrics, "http_api", config.maxRequestBytes(),
                config.retryAfterSeconds());
        IngestService service = new IngestService(config, limiter, apiEndpoint, metrics);
        service.remoteWrite = new RemoteWriteEndpoint(storage, config, metrics, clock);
        LogsGrpcService logsGrpc = null;
        LogsHttpEndpoint logsHttp = null;
        if (logs != null) {
            LogsWriter logsWriter = LogsWiring.writer(logs, logsConfig, config, meter, clock);
            logsGrpc = new LogsGrpcService(logsWriter, metrics, limiter, config.retryAfterSeconds());
            logsHttp = new LogsHttpEndpoint(logsWriter, metrics, "http_logs", config.maxRequestBytes(), config.retryAfterSeconds());
        }
        TracesGrpcService tracesGrpc = null;
        TracesHttpEndpoint tracesHttp = null;
        if (traces != null) {
            service.spanMetrics = TracesWiring.spanMetrics(traces, storage, reader, tracesConfig, meter, clock);
            TracesWriter tracesWriter = TracesWiring.writer(traces, service.spanMetrics, meter);
            tracesGrpc = new TracesGrpcService(tracesWriter, metrics, limiter, config.retryAfterSeconds());
            tracesHttp = new TracesHttpEndpoint(tracesWriter, metrics, "http_traces", config.maxRequestBytes(),
                    config.retryAfterSeconds());
        }
        try {
            service.grpc = OtlpGrpcServer.start(config.listenAddress(), config.grpcPort(), config.maxRequestBytes(),
                    writer, logsGrpc, tracesGrpc, metrics, limiter, config.retryAfterSeconds(), security);
            int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
            service.http = OtlpHttpServer.start(config.listenAddress(), config.httpPort(), ioThreads,
                    config.maxRequestBytes(), httpEndpoint, logsHttp, tracesHttp, limiter, security,
                    () -> metrics.connectionRefused("http"));
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        // INFO: once per start, the operator wants to see where to point exporters.
        log.info("OTLP receivers listening [grpc={}:{}, http={}://{}:{}/v1/metrics, grpc_tls={}, max_request_bytes={}, max_concurrent_requests={}]",
                config.listenAddress(), service.grpcPort(), security.httpTls() == null ? "http" : "https",
                config.listenAddress(), service.httpPort(), security.grpcTls() != null,
                config.maxRequestBytes(), config.maxConcurrentRequests());
        return service;
    }

    /** The bound OTLP/gRPC port (the real one when configured as 0). */
    public int grpcPort() {
        return grpc.port();
    }

    /** The bound OTLP/HTTP port (the real one when configured as 0). */
    public int httpPort() {
        return http.port();
    }

    public IngestConfig config() {
        return config;
    }

    /**
     * Handles one OTLP/HTTP metrics request outside the OTLP/HTTP server, for the API port's
     * {@code POST /api/v1/otlp/v1/metrics}. Runs on the caller's thread and blocks until the samples are
     * committed, so call it from a worker thread, never from an event loop. Counts toward
     * {@code ingest.max_concurrent_requests}: when full it answers 429 without doing the work.
     *
     * @param contentType     the request's Content-Type header, or null
     * @param contentEncoding the request's Content-Encoding header ({@code gzip} or none), or null
     * @param body            the raw body; not retained
     * @return status, content type, headers and body to send back; never throws for bad input
     */
    public OtlpHttpReply handleMetrics(String contentType, String contentEncoding, byte[] body) {
        long start = System.nanoTime();
        if (!limiter.tryAcquire()) {
            apiEndpoint.count(429, start);
            return apiEndpoint.overloaded(contentType);
        }
        try {
            return apiEndpoint.handle(contentType, contentEncoding, body == null ? new byte[0] : body);
        } finally {
            limiter.release();
        }
    }

    /**
     * Handles one Prometheus remote-write 1.0 request ({@code POST /api/v1/write} on the API port): snappy
     * protobuf {@code WriteRequest}, answered 204, or 400/413/415 with a text message, 429/503 with
     * Retry-After (see {@link RemoteWriteEndpoint} for which answer means what). Runs on the caller's thread
     * and blocks until the samples are committed, so call it from a worker thread, never from an event loop.
     * Counts toward {@code ingest.max_concurrent_requests}.
     *
     * @param contentType     the request's Content-Type header, or null
     * @param contentEncoding the request's Content-Encoding header ({@code snappy} or none), or null
     * @param body            the raw (snappy-compressed) body; not retained
     */
    public OtlpHttpReply handleRemoteWrite(String contentType, String contentEncoding, byte[] body) {
        long start = System.nanoTime();
        if (!limiter.tryAcquire()) {
            return remoteWrite.overloaded(start);
        }
        try {
            return remoteWrite.handle(contentType, contentEncoding, body);
        } finally {
            limiter.release();
        }
    }

    /**
     * As {@link #handleRemoteWrite(String, String, byte[])}, for a body of {@code bodyLength} bytes that is copied
     * (once its size is found within {@code ingest.max_request_bytes}) into a buffer that later requests reuse, so
     * the request costs no array of its size.
     *
     * @param body copies the raw (snappy-compressed) body; called at most once, on this thread, before this returns
     */
    public OtlpHttpReply handleRemoteWrite(String contentType, String contentEncoding, int bodyLength,
                                           RequestBody body) {
        long start = System.nanoTime();
        if (!limiter.tryAcquire()) {
            return remoteWrite.overloaded(start);
        }
        try {
            return remoteWrite.handle(contentType, contentEncoding, bodyLength, body);
        } finally {
            limiter.release();
        }
    }

    /** Stops gracefully; idempotent. */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long timeout = config.shutdownTimeoutMillis();
        if (grpc != null) {
            grpc.stopAccepting();
        }
        if (http != null) {
            http.stopAccepting();
        }
        try {
            if (!limiter.shutdown(timeout)) {
                log.warn("ingest requests still running after ingest.shutdown_timeout={}ms; cancelled", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (grpc != null) {
            grpc.close(timeout);
        }
        if (http != null) {
            http.close(timeout);
        }
        if (spanMetrics != null) {
            spanMetrics.close(); // after the last write: the final flush holds every acknowledged span
        }
        metrics.close();
        log.info("OTLP receivers stopped");
    }
}
