package io.sightline.storage;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.traces.TraceEngine;

/**
 * The trace store: a WAL, an in-memory head, immutable memory-mapped columnar span segments cut by time, and a
 * persisted trace-id index naming the segments that hold each trace. Thread-safe. Times are Unix nanoseconds
 * (see storage/docs/format/traces.md).
 */
public interface TraceStore extends AutoCloseable {
    /**
     * Opens the store under {@code config.dir()}, creating it when missing, replaying its WAL and checking its
     * trace-id index against the segments.
     *
     * @throws StorageException when the directory cannot be used (the message names the file)
     */
    static TraceStore open(TraceStoreConfig config, Meter meter) {
        return TraceEngine.open(config, meter);
    }

    /** A new appender for one batch (one request). Not thread-safe; cheap. */
    SpanAppender appender();

    /** Reads spans with {@code minNanos <= start <= maxNanos}; close it when done. */
    TraceQuerier querier(long minNanos, long maxNanos);

    /** Receives the spans of one commit, in commit order. */
    interface CommitVisitor {
        void commit(long sequence, java.util.List<io.sightline.storage.model.Span> spans);
    }

    /**
     * Visits, in commit order, every commit with a sequence greater than {@code afterSequence} that is still
     * stored (retention may have removed older ones). Span metrics use it after a restart to count the spans
     * committed since their last flush, so no acknowledged span is missed or counted twice.
     */
    void forEachSince(long afterSequence, CommitVisitor visitor);

    /** The sequence of the last commit (0 when none ever). */
    long lastSequence();

    /** Writes everything in the head into a new segment now (normally done by time and size). */
    void cutSegment();

    /** Deletes segments whose newest span is older than the retention; returns how many went. */
    int applyRetention();

    @Override
    void close();
}
