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

    /**
     * Bulk read for hot loops: copies the current sample and as many following ones with
     * {@code timestamp <= maxT} as fit into {@code ts}/{@code values} from index {@code at}, and returns how many
     * it copied (0 when the current sample is after {@code maxT}; at least 1 otherwise when {@code at < ts.length}).
     * The iterator then stands on the last copied sample, so {@link #next()} continues after it. Call only while
     * positioned on a sample (after {@link #seek} or {@link #next} returned true).
     */
    default int copy(long maxT, long[] ts, double[] values, int at) {
        long t = timestamp();
        if (t > maxT || at >= ts.length) {
            return 0;
        }
        ts[at] = t;
        values[at] = value();
        return 1;
    }
}
