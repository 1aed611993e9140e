package io.sightline.storage;

import io.sightline.storage.model.Labels;

/** One series of a {@link SeriesSet}: labels and its samples in the querier's range, in time order. */
public interface Series {
    Labels labels();

    /**
     * An iterator over the samples, oldest first, without duplicates.
     *
     * @param reuse an iterator previously returned by any {@code Series} of the same querier, to be
     *              reset and reused (to avoid allocation in loops), or {@code null}
     */
    SampleIterator iterator(SampleIterator reuse);
}
