package io.sightline.storage.index;

import io.sightline.storage.StorageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reusable arrays that one chunk decodes into, and the one place that decodes chunk bytes. Grows to the
 * largest chunk seen and then stays, so reading does not allocate per sample. Not thread-safe; owned by
 * one iterator.
 */
public final class SampleBuffer {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public long[] timestamps = new long[128];
    public double[] values = new double[128];
    public int count;
    /** Scratch checksum for readers that verify a chunk before decoding it. */
    public final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();

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
        decode(MemorySegment.ofArray(bytes), 0, length);
    }

    /**
     * Decodes the chunk at {@code segment[offset, offset + length)}.
     *
     * @throws StorageException when the bytes are not a chunk; the message names the offset
     */
    public void decode(MemorySegment segment, long offset, int length) {
        if (length < 4) {
            throw new StorageException("corrupt chunk at offset " + offset + ": " + length + " bytes");
        }
        int n = segment.get(INT_LE, offset);
        if (n <= 0 || 4L + 16L * n != length) {
            throw new StorageException("corrupt chunk at offset " + offset + ": count " + n + " does not fit length " + length);
        }
        ensureCapacity(n);
        long ts = offset + 4;
        long vs = ts + 8L * n;
        for (int i = 0; i < n; i++) {
            timestamps[i] = segment.get(LONG_LE, ts + 8L * i);
            values[i] = Double.longBitsToDouble(segment.get(LONG_LE, vs + 8L * i));
        }
        count = n;
    }

    /** The number of samples of the chunk at {@code segment[offset, offset + length)}, read from its header. */
    public static int countOf(MemorySegment segment, long offset, int length) {
        return segment.get(INT_LE, offset);
    }

    /** Encodes {@code n >= 1} samples into a new array, the counterpart of {@link #decode}. */
    public static byte[] encode(long[] ts, double[] vs, int n) {
        MemorySegment out = MemorySegment.ofArray(new byte[4 + 16 * n]);
        out.set(INT_LE, 0, n);
        for (int i = 0; i < n; i++) {
            out.set(LONG_LE, 4 + 8L * i, ts[i]);
            out.set(LONG_LE, 4 + 8L * n + 8L * i, Double.doubleToRawLongBits(vs[i]));
        }
        return (byte[]) out.heapBase().orElseThrow();
    }
}
