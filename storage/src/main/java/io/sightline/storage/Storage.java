package io.sightline.storage;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.engine.StorageEngine;
import io.sightline.storage.model.MetricMetadata;

import java.util.List;
import java.util.Map;

/**
 * The metrics store: WAL, in-memory head, immutable memory-mapped blocks. All methods are thread-safe.
 * Open with {@link #open(StorageConfig, Meter)}; close flushes and releases files.
 */
public interface Storage extends Appendable, Queryable, AutoCloseable {
    /**
     * Opens the store under {@code config.dataDir()}, creating it when missing and replaying the WAL.
     *
     * @param meter where the store records its self-metrics ({@code sightline_storage_*})
     * @throws StorageException when the directory cannot be used (the message names the file)
     */
    static Storage open(StorageConfig config, Meter meter) {
        return StorageEngine.open(config, meter);
    }

    /** Metadata per metric family name; {@code metric} filters to one name when non-null; limit <= 0 means all. */
    Map<String, List<MetricMetadata>> metadata(String metric, int limit);

    /** Statistics for {@code /api/v1/status/tsdb}. */
    StorageStats stats();

    /**
     * Writes a snapshot of every metric sample stored so far into {@code <dataDir>/snapshots/<name>/}, laid
     * out as a data directory that {@link #open} accepts (blocks as hard links, the head written as blocks,
     * the series registry's labels file copied); the store keeps taking appends and queries meanwhile, and
     * is left as it was. As Prometheus's {@code POST /api/v1/admin/tsdb/snapshot}.
     *
     * @return the snapshot's name: UTC time and a random suffix, e.g. {@code 20261126T101500Z-1f0c3a5e9b7d2c44}
     * @throws StorageException when a file cannot be written (the message names it); nothing half-written
     *                          is left as a block
     */
    String snapshot();

    /** Flushes what is pending and closes all files. Idempotent. */
    @Override
    void close();
}
