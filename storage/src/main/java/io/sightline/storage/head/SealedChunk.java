package io.sightline.storage.head;

import java.util.Arrays;

/**
 * An immutable run of samples of one series, in time order, that no longer takes appends. Shared freely
 * between the writer and readers: a change (an out-of-order sample merged in) makes a new instance.
 */
final class SealedChunk {
    final long minTime;
    final long maxTime;
    private final long[] timestamps;
    private final double[] values;

    private SealedChunk(long[] timestamps, double[] values) {
        this.timestamps = timestamps;
        this.values = values;
        this.minTime = timestamps[0];
        this.maxTime = timestamps[timestamps.length - 1];
    }

    /** Seals {@code count >= 1} samples copied from the arrays. */
    static SealedChunk of(long[] timestamps, double[] values, int count) {
        return new SealedChunk(Arrays.copyOf(timestamps, count), Arrays.copyOf(values, count));
    }

    int count() {
        return timestamps.length;
    }

    long timestamp(int i) {
        return timestamps[i];
    }

    double value(int i) {
        return values[i];
    }

    /** Copies the samples into the arrays from offset 0; they must have room for {@link #count()}. */
    void decodeInto(long[] ts, double[] vs) {
        System.arraycopy(timestamps, 0, ts, 0, timestamps.length);
        System.arraycopy(values, 0, vs, 0, values.length);
    }
}
