package io.sightline.storage.index;

import io.sightline.storage.chunk.ChunkIterator;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/**
 * The decoded columns of one chunk, with the chunk codec's iterator and a checksum as scratch. After a
 * decode the arrays are the codec iterator's own (no copy), valid until the next decode; entries
 * {@code [0, count)} are the samples. Reading does not allocate per sample. Not thread-safe; owned by one
 * iterator.
 */
public final class SampleBuffer {
    public long[] timestamps = new long[0];
    public double[] values = new double[0];
    public int count;
    /** Scratch checksum for readers that verify a chunk before decoding it. */
    public final CRC32C crc = new CRC32C();
    private final ChunkIterator chunk = new ChunkIterator();

    /** Decodes the chunk at {@code bytes[0, length)}. */
    public void decode(byte[] bytes, int length) {
        fill(chunk.reset(bytes, 0, length));
    }

    /**
     * Decodes the chunk at {@code segment[offset, offset + length)}.
     *
     * @throws io.sightline.storage.StorageException when the bytes are not a chunk; the message names the offset
     */
    public void decode(MemorySegment segment, long offset, int length) {
        fill(chunk.reset(segment, offset, length));
    }

    /**
     * Decodes the chunk of a block at {@code segment[offset, offset + length)} whose first and last
     * timestamps, from the block index, are {@code minTime} and {@code maxTime}.
     *
     * @throws io.sightline.storage.StorageException when the bytes are not a chunk; the message names the offset
     */
    public void decode(MemorySegment segment, long offset, int length, long minTime, long maxTime) {
        fill(chunk.reset(segment, offset, length, minTime, maxTime));
    }

    /** Points at the iterator's decoded columns instead of copying them; valid until the next decode. */
    private void fill(ChunkIterator it) {
        timestamps = it.decodedTimestamps();
        values = it.decodedValues();
        count = it.count();
    }
}
