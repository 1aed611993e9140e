package io.sightline.query.promql.engine;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reuses the primitive arrays that selectors load samples into, across the selectors of a query and across
 * queries, so that loading settles at zero array growth. Bounded: at most {@code capacity} idle buffers,
 * none larger than {@code maxKeptSamples}. Thread-safe.
 */
final class SampleBufferPool {
    /** Sample timestamps and values; {@code ts.length == values.length}. */
    static final class Buffer {
        long[] ts;
        double[] values;

        Buffer(int capacity) {
            ts = new long[capacity];
            values = new double[capacity];
        }

        void grow(int minCapacity) {
            int n = Math.max(minCapacity, ts.length + (ts.length >> 1));
            ts = java.util.Arrays.copyOf(ts, n);
            values = java.util.Arrays.copyOf(values, n);
        }
    }

    private final ArrayBlockingQueue<Buffer> idle;
    private final int maxKeptSamples;

    SampleBufferPool(int capacity, int maxKeptSamples) {
        this.idle = new ArrayBlockingQueue<>(capacity);
        this.maxKeptSamples = maxKeptSamples;
    }

    Buffer acquire() {
        Buffer b = idle.poll();
        return b != null ? b : new Buffer(4096);
    }

    /** Returns a buffer; the caller must not touch it afterwards. */
    void release(Buffer b) {
        if (b != null && b.ts.length <= maxKeptSamples) {
            idle.offer(b);
        }
    }
}
