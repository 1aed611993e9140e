package io.sightline.server.config;

import io.sightline.query.QueryConfig;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;

import java.nio.file.Path;

/**
 * Everything Sightline runs with, mapped from the YAML file and flags onto each module's typed config.
 * The keys are documented in README.md ("Configuration").
 */
public record ServerConfig(
        Path dataDir,
        String listenAddress,
        int httpPort,
        int otlpGrpcPort,
        int otlpHttpPort,
        StorageConfig storage,
        QueryConfig query) {

    public static final String DEFAULT_DATA_DIR = "./data";
    public static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 9090;
    public static final int DEFAULT_OTLP_GRPC_PORT = 4317;
    public static final int DEFAULT_OTLP_HTTP_PORT = 4318;

    /** Maps every known key, then fails on any key left over. */
    public static ServerConfig from(ConfigSource src) {
        Path dataDir = Path.of(src.string("data_dir", DEFAULT_DATA_DIR));
        String listen = src.string("listen_address", DEFAULT_LISTEN_ADDRESS);
        int httpPort = src.port("http_port", DEFAULT_HTTP_PORT);
        int grpcPort = src.port("otlp.grpc_port", DEFAULT_OTLP_GRPC_PORT);
        int otlpHttpPort = src.port("otlp.http_port", DEFAULT_OTLP_HTTP_PORT);
        StorageConfig storage = storage(src, dataDir);
        QueryConfig query = query(src);
        src.rejectUnknownKeys();
        return new ServerConfig(dataDir, listen, httpPort, grpcPort, otlpHttpPort, storage, query);
    }

    private static StorageConfig storage(ConfigSource src, Path dataDir) {
        StorageConfig d = StorageConfig.defaults(dataDir);
        try {
            return new StorageConfig(dataDir,
                    src.durationMillis("storage.block_duration", d.blockDurationMillis()),
                    src.durationMillis("storage.retention", d.retentionMillis()),
                    src.enumValue("storage.wal.fsync", WalSyncMode.class, d.walSyncMode()),
                    src.durationMillis("storage.wal.fsync_interval", d.walSyncIntervalMillis()),
                    src.bytes("storage.wal.segment_size", d.walSegmentSizeBytes()),
                    src.durationMillis("storage.out_of_order_window", d.outOfOrderWindowMillis()),
                    src.integer("storage.max_series", d.maxSeries()));
        } catch (IllegalArgumentException e) {
            throw src.invalid(e);
        }
    }

    private static QueryConfig query(ConfigSource src) {
        QueryConfig d = QueryConfig.defaults();
        try {
            return new QueryConfig(
                    src.durationMillis("query.lookback_delta", d.lookbackDeltaMillis()),
                    src.durationMillis("query.timeout", d.timeoutMillis()),
                    src.integer("query.max_samples", d.maxSamples()),
                    (int) src.integer("query.max_concurrency", d.maxConcurrentQueries()),
                    (int) src.integer("query.max_points_per_series", d.maxPointsPerSeries()));
        } catch (IllegalArgumentException e) {
            throw src.invalid(e);
        }
    }
}
