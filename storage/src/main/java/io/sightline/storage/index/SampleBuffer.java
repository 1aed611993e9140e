package io.sightline.storage.index;

import java.util.Arrays;

/**
 * Reusable arrays that one chunk decodes into. Grows to the largest chunk seen and then stays, so reading
 * does not allocate per sample. Not thread-safe; owned by one iterator.
 */
public final class SampleBuffer {
    public long[] timestamps = new long[128];
    public double[] values = new double[128];
    public int count;

    /** Makes room for {@code n} samples, keeping none; call before decoding a chunk of {@code n}. */
    public void ensureCapacity(int n) {
        if (timestamps.length < n) {
            int size = Math.max(n, timestamps.length * 2);
            timestamps = Arrays.copyOf(timestamps, size);
            values = Arrays.copyOf(values, size);
        }
    }
}
