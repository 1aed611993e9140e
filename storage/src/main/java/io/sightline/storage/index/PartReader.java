package io.sightline.storage.index;

import io.sightline.storage.model.Labels;

/**
 * One readable part of the store, the head or an immutable block: its index and the chunks of each series.
 * Series ids are global (the series registry's), so the same series has the same id in every part.
 * Thread-safe.
 */
public interface PartReader {
    /** The oldest sample time in the part, inclusive. */
    long minTime();

    /** The newest sample time in the part, inclusive. */
    long maxTime();

    IndexReader index();

    /** The labels of a series of this part, or {@code null} when it has none here. */
    Labels labels(int seriesId);

    /**
     * The chunks of a series with samples in {@code [mint, maxt]}, or {@code null} when it has none there.
     *
     * @param scratch a buffer the part may decode an edge chunk into, to check that a sample lies in range
     */
    SeriesChunks chunks(int seriesId, long mint, long maxt, SampleBuffer scratch);

    /**
     * As {@link #chunks}, for a cursor that reads one series at a time: the answer may be an object kept in
     * {@code cursor} and overwritten by the next call with the same {@code cursor}, so it must not be read after
     * that call (the head answers this way without copying each series' open chunk into new objects per query).
     */
    default SeriesChunks chunksForCursor(int seriesId, long mint, long maxt, SampleBuffer scratch, CursorScratch cursor) {
        return chunks(seriesId, mint, maxt, scratch);
    }
}
