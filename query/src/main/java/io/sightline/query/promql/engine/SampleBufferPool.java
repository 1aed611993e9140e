package io.sightline.query.promql.engine;

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

    private final Buffer[] idle;
    private int idleCount;
    private final int maxKeptSamples;

    SampleBufferPool(int capacity, int maxKeptSamples) {
        this.idle = new Buffer[capacity];
        this.maxKeptSamples = maxKeptSamples;
    }

    /**
     * The largest idle buffer (or a new one): a query's big selector then finds the buffer the last big one
     * grew, instead of growing a small one again (copying its samples at every growth step).
     */
    synchronized Buffer acquire() {
        if (idleCount == 0) {
            return new Buffer(4096);
        }
        int best = 0;
        for (int i = 1; i < idleCount; i++) {
            if (idle[i].ts.length > idle[best].ts.length) {
                best = i;
            }
        }
        Buffer b = idle[best];
        idle[best] = idle[--idleCount];
        idle[idleCount] = null;
        return b;
    }

    /** Returns a buffer; the caller must not touch it afterwards. A full pool keeps the larger buffers. */
    synchronized void release(Buffer b) {
        if (b == null || b.ts.length > maxKeptSamples) {
            return;
        }
        if (idleCount < idle.length) {
            idle[idleCount++] = b;
            return;
        }
        int smallest = 0;
        for (int i = 1; i < idleCount; i++) {
            if (idle[i].ts.length < idle[smallest].ts.length) {
                smallest = i;
            }
        }
        if (idle[smallest].ts.length < b.ts.length) {
            idle[smallest] = b;
        }
    }
}
