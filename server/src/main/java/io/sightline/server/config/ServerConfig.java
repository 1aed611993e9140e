package io.sightline.server.config;

import io.sightline.alerting.AlertingConfig;
import io.sightline.ingest.IngestConfig;
import io.sightline.query.ApiConfig;
import io.sightline.query.QueryConfig;
import io.sightline.server.BuildInfo;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything Sightline runs with, mapped from the YAML file and flags onto each module's typed config.
 * The keys are documented in README.md ("Configuration") and deploy/sightline.example.yml.
 */
public record ServerConfig(Path dataDir, String listenAddress, StorageConfig storage, QueryConfig query,
                           IngestConfig ingest, ApiConfig api, AlertingConfig alerting, LogsConfig logs,
                           TracesConfig traces, SecurityConfig security, TelemetryConfig telemetry) {

    public static final String DEFAULT_DATA_DIR = "./data";
    public static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 9090;

    /** Maps every known key, then fails on any key left over; bearer tokens may come from the environment. */
    public static ServerConfig from(ConfigSource src) {
        return from(src, System::getenv);
    }

    /** As {@link #from(ConfigSource)}, reading environment variables through {@code env}. */
    public static ServerConfig from(ConfigSource src, java.util.function.UnaryOperator<String> env) {
        Path dataDir = Path.of(src.string("data_dir", DEFAULT_DATA_DIR));
        String listen = src.string("listen_address", DEFAULT_LISTEN_ADDRESS);
        int httpPort = src.port("http_port", DEFAULT_HTTP_PORT);
        try {
            StorageConfig storage = storage(src, dataDir);
            QueryConfig query = query(src);
            IngestConfig ingest = ingest(src, listen);
            ApiConfig api = api(src, listen, httpPort, query, storage);
            SecurityConfig security = SecurityConfig.from(src, configDir(src), env);
            AlertingConfig alerting = alerting(src, dataDir, listen, httpPort, security.apiTls() != null);
            LogsConfig logs = LogsConfig.from(src, dataDir, storage.walSyncMode(), storage.walSyncIntervalMillis());
            TracesConfig traces = TracesConfig.from(src, dataDir, storage.walSyncMode(), storage.walSyncIntervalMillis());
            TelemetryConfig telemetry = TelemetryConfig.from(src);
            src.rejectUnknownKeys();
            return new ServerConfig(dataDir, listen, storage, query, ingest, api, alerting, logs, traces, security, telemetry);
        } catch (IllegalArgumentException e) {
            throw src.invalid(e);
        }
    }

    public int httpPort() {
        return api.port();
    }

    public int otlpGrpcPort() {
        return ingest.grpcPort();
    }

    public int otlpHttpPort() {
        return ingest.httpPort();
    }

    private static StorageConfig storage(ConfigSource src, Path dataDir) {
        StorageConfig d = StorageConfig.defaults(dataDir);
        return new StorageConfig(dataDir,
                src.durationMillis("storage.block_duration", d.blockDurationMillis()),
                src.durationMillis("storage.retention", d.retentionMillis()),
                src.enumValue("storage.wal.fsync", WalSyncMode.class, d.walSyncMode()),
                src.durationMillis("storage.wal.fsync_interval", d.walSyncIntervalMillis()),
                src.bytes("storage.wal.segment_size", d.walSegmentSizeBytes()),
                src.durationMillis("storage.out_of_order_window", d.outOfOrderWindowMillis()),
                src.integer("storage.max_series", d.maxSeries()),
                src.bytes("storage.retention_size", d.retentionBytes()));
    }

    private static QueryConfig query(ConfigSource src) {
        QueryConfig d = QueryConfig.defaults();
        return new QueryConfig(
                src.durationMillis("query.lookback_delta", d.lookbackDeltaMillis()),
                src.durationMillis("query.timeout", d.timeoutMillis()),
                src.integer("query.max_samples", d.maxSamples()),
                intValue("query.max_concurrency", src.integer("query.max_concurrency", d.maxConcurrentQueries())),
                intValue("query.max_points_per_series", src.integer("query.max_points_per_series", d.maxPointsPerSeries())));
    }

    private static IngestConfig ingest(ConfigSource src, String listen) {
        IngestConfig d = IngestConfig.defaults();
        int maxConcurrent = intValue("ingest.max_concurrent_requests",
                src.integer("ingest.max_concurrent_requests", d.maxConcurrentRequests()));
        return new IngestConfig(listen,
                src.port("otlp.grpc_port", IngestConfig.DEFAULT_GRPC_PORT),
                src.port("otlp.http_port", IngestConfig.DEFAULT_HTTP_PORT),
                intValue("ingest.max_request_bytes", src.bytes("ingest.max_request_bytes", d.maxRequestBytes())),
                intValue("ingest.max_labels_per_series", src.integer("ingest.max_labels_per_series", d.maxLabelsPerSeries())),
                intValue("ingest.max_label_name_length", src.integer("ingest.max_label_name_length", d.maxLabelNameLength())),
                intValue("ingest.max_label_value_length", src.integer("ingest.max_label_value_length", d.maxLabelValueLength())),
                maxConcurrent,
                intValue("ingest.write_threads", src.integer("ingest.write_threads", Math.min(d.writeThreads(), maxConcurrent))),
                intValue("ingest.retry_after_seconds", src.integer("ingest.retry_after_seconds", d.retryAfterSeconds())),
                intValue("ingest.max_delta_series", src.integer("ingest.max_delta_series", d.maxDeltaSeries())),
                src.durationMillis("ingest.max_future_skew", d.maxFutureSkewMillis()),
                src.bool("ingest.promote_scope_metadata", d.promoteScopeMetadata()),
                src.durationMillis("ingest.shutdown_timeout", d.shutdownTimeoutMillis()),
                intValue("ingest.series_cache_entries", src.integer("ingest.series_cache_entries", d.seriesCacheEntries())));
    }

    private static ApiConfig api(ConfigSource src, String listen, int port, QueryConfig query, StorageConfig storage) {
        ApiConfig d = ApiConfig.defaults();
        ApiConfig.Status status = new ApiConfig.Status(BuildInfo.version(), BuildInfo.revision(), "main", "unknown",
                "unknown", Map.of("storage.tsdb.retention.time", formatDuration(storage.retentionMillis()),
                "storage.tsdb.retention.size", storage.retentionBytes() + "B",
                "query.lookback-delta", formatDuration(query.lookbackDeltaMillis())),
                "", formatDuration(storage.retentionMillis()));
        return new ApiConfig(listen, port,
                intValue("http.max_body_bytes", src.bytes("http.max_body_bytes", d.maxBodyBytes())),
                intValue("http.max_header_bytes", src.bytes("http.max_header_bytes", d.maxHeaderBytes())),
                intValue("http.worker_threads", src.integer("http.worker_threads", d.workerThreads())),
                intValue("http.worker_queue", src.integer("http.worker_queue", d.workerQueueCapacity())),
                src.durationMillis("http.idle_timeout", d.idleTimeoutMillis()),
                src.durationMillis("http.shutdown_timeout", d.shutdownTimeoutMillis()),
                intValue("http.max_connections", src.integer("http.max_connections", d.maxConnections())),
                query, status);
    }

    /**
     * Prometheus's keys ({@code rule_files}, {@code global.*}) plus Sightline's {@code alerting.*}. Without
     * {@code alerting.external_url}, links in notifications point at the API listener itself, over https when it
     * serves TLS (an http link to a TLS port would fail in every reader's browser).
     */
    private static AlertingConfig alerting(ConfigSource src, Path dataDir, String listen, int httpPort, boolean apiTls) {
        String host = listen.equals("0.0.0.0") || listen.equals("::") ? "localhost" : listen.contains(":") ? "[" + listen + "]" : listen;
        AlertingConfig d = AlertingConfig.defaults(dataDir, (apiTls ? "https://" : "http://") + host + ":" + httpPort);
        // As in Prometheus, relative paths are relative to the config file's directory.
        Path base = configDir(src);
        String notifyFile = relativeTo(base, src.string("alerting.config_file", null));
        List<String> ruleFiles = new java.util.ArrayList<>();
        for (String p : src.list("rule_files", d.ruleFiles())) {
            ruleFiles.add(relativeTo(base, p));
        }
        return new AlertingConfig(ruleFiles,
                src.durationMillis("global.evaluation_interval", d.evaluationIntervalMillis()),
                src.mapUnder("global.external_labels"),
                notifyFile == null || notifyFile.isBlank() ? null : Path.of(notifyFile),
                src.string("alerting.external_url", d.externalUrl()),
                d.stateDir(),
                src.durationMillis("alerting.resend_delay", d.resendDelayMillis()),
                src.durationMillis("alerting.for_grace_period", d.forGracePeriodMillis()),
                src.durationMillis("alerting.for_outage_tolerance", d.outageToleranceMillis()),
                src.durationMillis("alerting.dispatch_tick", d.notifyTickMillis()),
                src.durationMillis("alerting.notify_timeout", d.notifyTimeoutMillis()),
                src.durationMillis("alerting.retry_initial_backoff", d.retryInitialBackoffMillis()),
                src.durationMillis("alerting.retry_max_backoff", d.retryMaxBackoffMillis()));
    }

    /** The config file's directory, which relative paths in it are relative to; null without a file. */
    private static Path configDir(ConfigSource src) {
        Path origin = Path.of(src.origin());
        return java.nio.file.Files.isRegularFile(origin) ? origin.toAbsolutePath().getParent() : null;
    }

    private static String relativeTo(Path base, String path) {
        return path == null || path.isBlank() || base == null || Path.of(path).isAbsolute() ? path : base.resolve(path).toString();
    }

    /** Prometheus's duration form, largest units first: 15d, 2h30m, 5m. */
    static String formatDuration(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        long rest = millis;
        for (int i = 0; i < units.length; i++) {
            if (rest >= units[i]) {
                sb.append(rest / units[i]).append(names[i]);
                rest %= units[i];
            }
        }
        return sb.toString();
    }

    private static int intValue(String key, long v) {
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(key + " is too large: " + v);
        }
        return (int) v;
    }
}
