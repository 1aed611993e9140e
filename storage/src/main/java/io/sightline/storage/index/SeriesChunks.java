package io.sightline.storage.index;

/**
 * The chunks of one series held by one part of the store (the head or a block), oldest first and not
 * overlapping each other. Immutable snapshot: safe to read from any thread while the querier that made it
 * is open.
 */
public interface SeriesChunks {
    int chunkCount();

    long minTime(int chunk);

    long maxTime(int chunk);

    /**
     * Decodes chunk {@code chunk} into {@code into} (replacing its content).
     *
     * @throws io.sightline.storage.StorageException when the chunk is corrupt; the message names file and offset
     */
    void decode(int chunk, SampleBuffer into);
}
