package io.sightline.storage;

import io.sightline.storage.model.LogRecord;

/**
 * Collects the records of one request; {@link #commit()} writes them to the WAL and only then makes them
 * visible, so a returned commit means the records survive a process crash. Not thread-safe.
 */
public interface LogAppender {
    void append(LogRecord record);

    /** Records appended since the last commit or rollback. */
    int pending();

    /**
     * Logs the batch and publishes it.
     *
     * @throws StorageException when the WAL cannot be written; nothing of the batch is then visible
     */
    void commit();

    /** Forgets the pending records. */
    void rollback();
}
