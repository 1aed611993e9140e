package io.sightline.storage.index;

import io.sightline.storage.chunk.ChunkIterator;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reusable arrays that one chunk decodes into, with the chunk codec's iterator and a checksum as scratch.
 * Grows to the largest chunk seen and then stays, so reading does not allocate per sample. Not
 * thread-safe; owned by one iterator.
 */
public final class SampleBuffer {
    public long[] timestamps = new long[128];
    public double[] values = new double[128];
    public int count;
    /** Scratch checksum for readers that verify a chunk before decoding it. */
    public final CRC32C crc = new CRC32C();
    private final ChunkIterator chunk = new ChunkIterator();

    /** Makes room for {@code n} samples, keeping none; call before filling in a chunk of {@code n}. */
    public void ensureCapacity(int n) {
        if (timestamps.length < n) {
            int size = Math.max(n, timestamps.length * 2);
            timestamps = Arrays.copyOf(timestamps, size);
            values = Arrays.copyOf(values, size);
        }
    }

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

    private void fill(ChunkIterator it) {
        int n = it.count();
        ensureCapacity(n);
        int i = 0;
        while (it.next()) {
            timestamps[i] = it.timestamp();
            values[i] = it.value();
            i++;
        }
        count = i;
    }

    /** The number of samples of the chunk at {@code segment[offset, offset + length)}, from its header. */
    public int countOf(MemorySegment segment, long offset, int length) {
        return chunk.reset(segment, offset, length).count();
    }
}
