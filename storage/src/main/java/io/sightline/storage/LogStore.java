package io.sightline.storage;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.logs.LogEngine;
import io.sightline.storage.model.LogRecord;

import java.util.List;
import java.util.function.Consumer;

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

    /**
     * Calls {@code listener} with every batch once it is committed and visible, on the committing thread (so it
     * must be quick: hand the batch to a queue), in commit order per appender. What it throws is logged and
     * ignored, so a broken listener never fails an ingest. Used by live tailing.
     */
    Subscription subscribe(Consumer<List<LogRecord>> listener);

    /** Stops a {@link #subscribe} listener; idempotent. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Writes everything in the head into a new segment now (normally done by time and size). */
    void cutSegment();

    /** Deletes segments whose newest record is older than the retention; returns how many went. */
    int applyRetention();

    @Override
    void close();
}
