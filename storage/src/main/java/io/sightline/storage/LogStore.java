package io.sightline.storage;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.logs.LogEngine;

/**
 * The log store: a WAL, an in-memory head, and immutable memory-mapped columnar segments cut by time
 * (see storage/docs/format/logs.md). Thread-safe. Times are Unix nanoseconds.
 */
public interface LogStore extends AutoCloseable {
    /**
     * Opens the store under {@code config.dir()}, creating it when missing and replaying its WAL.
     *
     * @throws StorageException when the directory cannot be used (the message names the file)
     */
    static LogStore open(LogStoreConfig config, Meter meter) {
        return LogEngine.open(config, meter);
    }

    /** A new appender for one batch (one request). Not thread-safe; cheap. */
    LogAppender appender();

    /** Reads records with {@code minNanos <= timestamp <= maxNanos}; close it when done. */
    LogQuerier querier(long minNanos, long maxNanos);

    /** Writes everything in the head into a new segment now (normally done by time and size). */
    void cutSegment();

    /** Deletes segments whose newest record is older than the retention; returns how many went. */
    int applyRetention();

    @Override
    void close();
}
