package io.sightline.storage.index;

import io.sightline.storage.model.Labels;

/**
 * The series registry: labels to a stable series id and back. Ids are positive, dense from 1, never
 * reused, and (for the persistent implementation) survive restarts. Thread-safe.
 */
public interface SeriesIndex extends AutoCloseable {
    /** Returned by {@link #getOrCreate} when the registry holds its configured maximum of series. */
    int FULL = -1;

    /** The id of {@code labels}, registering them first if new; {@link #FULL} when no room is left. */
    int getOrCreate(Labels labels);

    /**
     * {@link #getOrCreate} for each of {@code labels[from, to)}, into {@code ids[from, to)}; a null label set
     * is skipped (its id left as it is). An implementation may register the new ones as one batch (the
     * persistent one: one lock hold and one labels-file write per part of up to 1,024); when it throws, the
     * series of the part that failed are not registered, as a failed {@code getOrCreate} registers nothing.
     */
    default void getOrCreateAll(Labels[] labels, int from, int to, int[] ids) {
        for (int i = from; i < to; i++) {
            if (labels[i] != null) {
                ids[i] = getOrCreate(labels[i]);
            }
        }
    }

    /** The labels of {@code id}, or {@code null} when unknown. */
    Labels labels(int id);

    /** How many series are registered. */
    int size();

    /** Releases files; idempotent. */
    @Override
    void close();
}
