package io.sightline.storage;

/**
 * Iterates float samples in ascending time order. Stale markers are returned as samples (see
 * {@link io.sightline.storage.model.StaleMarker}); the query engine interprets them. Not thread-safe.
 * Allocation-free per sample.
 */
public interface SampleIterator {
    /** Advances to the next sample; false when exhausted. */
    boolean next();

    /**
     * Advances to the first sample with {@code timestamp >= t}; does nothing when the current sample is
     * already there. Returns false when no such sample exists. May be called before the first next().
     */
    boolean seek(long t);

    /** Timestamp of the current sample, Unix milliseconds. */
    long timestamp();

    /** Value of the current sample. */
    double value();
}
