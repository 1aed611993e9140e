package io.sightline.storage;

import io.sightline.storage.model.MetricMetadata;

import java.util.List;
import java.util.Map;

/**
 * The metrics store: WAL, in-memory head, immutable memory-mapped blocks. All methods are thread-safe.
 * Open with {@code io.sightline.storage.engine.StorageEngine.open(config, meter)}; close flushes and
 * releases files.
 */
public interface Storage extends Appendable, Queryable, AutoCloseable {
    /** Metadata per metric family name; {@code metric} filters to one name when non-null; limit <= 0 means all. */
    Map<String, List<MetricMetadata>> metadata(String metric, int limit);

    /** Statistics for {@code /api/v1/status/tsdb}. */
    StorageStats stats();

    /** Flushes what is pending and closes all files. Idempotent. */
    @Override
    void close();
}
