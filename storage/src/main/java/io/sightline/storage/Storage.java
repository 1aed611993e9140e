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

    /** Flushes what is pending and closes all files. Idempotent. */
    @Override
    void close();
}
