package io.sightline.storage;

import io.sightline.storage.model.Span;

/**
 * Collects the spans of one request; {@link #commit()} writes them to the WAL and only then makes them
 * visible, so a returned commit means the spans survive a process crash. Not thread-safe.
 */
public interface SpanAppender {
    void append(Span span);

    /** Spans appended since the last commit or rollback. */
    int pending();

    /**
     * Logs the batch and publishes it.
     *
     * @return the batch's commit sequence: positive, increasing in commit order across the store and its
     *         restarts (see {@link TraceStore#forEachSince}); 0 when the batch was empty
     * @throws StorageException when the WAL cannot be written; nothing of the batch is then visible
     */
    long commit();

    /** Forgets the pending spans. */
    void rollback();
}
