package io.sightline.storage.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The open chunk of a head series: samples are appended one at a time in O(1) without allocation (apart
 * from amortised growth of the two column arrays), and the chunk can be iterated while it is open.
 * Timestamps use {@link ChunkFormat#TIMESTAMP_DOD_BUCKETED}, values {@link ChunkFormat#VALUE_XOR}, because
 * both can be written before the rest of the chunk is known.
 *
 * <p>The columns are arrays with bit positions in this object's own fields, not {@link BitWriter}s: a head
 * holds one open chunk per series, and two writer objects per chunk cost 48 bytes and two more pointer
 * hops on every append.
 *
 * <p>When the storage engine cuts the chunk it either copies it as is ({@link #encodeTo}, cheap) or
 * re-encodes it into the smallest codec: {@code encoder.reset(); encoder.appendAll(it.reset(head));
 * encoder.encode(out)} (see {@link ChunkEncoder}).
 *
 * <p>Threading: one appending thread. Other threads may iterate concurrently with
 * {@link ChunkIterator#reset(HeadChunk)}: they see a consistent prefix of the samples (the count is
 * published with release semantics after the bits are written, a grown array with release semantics
 * after its contents are copied; written bits never change). {@link #reset()} and {@link #encodeTo}
 * must not race with readers; the storage engine retires a chunk before reusing it.
 */
public final class HeadChunk {
    private static final VarHandle COUNT;
    private static final VarHandle TIMESTAMPS;
    private static final VarHandle VALUES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            COUNT = lookup.findVarHandle(HeadChunk.class, "count", int.class);
            TIMESTAMPS = lookup.findVarHandle(HeadChunk.class, "timestamps", byte[].class);
            VALUES = lookup.findVarHandle(HeadChunk.class, "values", byte[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Most bytes one value can add to the XOR column (13 + 64 bits), plus the writes' slack. */
    private static final int VALUE_SPARE_BYTES = 18;
    /** Bytes a timestamp code may touch (4 + 64 bits), with the same slack. */
    private static final int TIMESTAMP_SPARE_BYTES = 18;
    /** Fewest samples whose bytes predict the rest of the chunk's; with fewer, the column grows by half. */
    private static final int MIN_SAMPLES_TO_PROJECT = 8;

    private final int expectedSamples;
    /** Timestamp column; every byte past {@link #timestampBits} is zero. */
    private byte[] timestamps;
    /** Value column; every byte past {@link #valueBits} is zero. */
    private byte[] values;
    private long timestampBits;
    private long valueBits;
    private final XorWriter xor = new XorWriter();
    private int count;
    private long minTime;
    private long maxTime;
    private long lastDelta;

    /** Creates an empty chunk sized for about {@code expectedSamples} samples (it grows past that). */
    public HeadChunk(int expectedSamples) {
        if (expectedSamples < 1) {
            throw new IllegalArgumentException("expectedSamples must be >= 1, got " + expectedSamples);
        }
        // Values: ~1 byte per sample is typical for 15 s scrapes; 16 bytes of slack for the first raw value.
        // Timestamps: a regular interval costs 1 bit per sample after the first delta (~3 bytes), plus the
        // writes' slack; jittered ones grow the array (by half) as needed.
        this.expectedSamples = expectedSamples;
        timestamps = new byte[Math.max(TIMESTAMP_SPARE_BYTES, expectedSamples / 8 + 16)];
        values = new byte[Math.max(VALUE_SPARE_BYTES, expectedSamples + 16)];
        xor.reset();
    }

    /**
     * Appends a sample. Timestamps must be strictly increasing (the storage engine sorts out-of-order
     * samples before they reach a chunk); any double is accepted and kept bit for bit.
     *
     * @throws IllegalArgumentException when {@code t} is not after the last timestamp
     * @throws IllegalStateException when the chunk already holds {@link ChunkFormat#MAX_SAMPLES} samples
     */
    public void append(long t, double v) {
        int n = count;
        if (n == 0) {
            minTime = t;
            lastDelta = 0;
        } else {
            if (n == ChunkFormat.MAX_SAMPLES) {
                throw new IllegalStateException("head chunk is full: " + n + " samples is ChunkFormat.MAX_SAMPLES; "
                        + "cut a new chunk");
            }
            if (t <= maxTime) {
                throw new IllegalArgumentException("timestamp " + t + " is not after the chunk's last timestamp "
                        + maxTime + "; chunks need strictly increasing timestamps");
            }
            long delta = t - maxTime;
            if (timestamps.length - timestampByteLength() < TIMESTAMP_SPARE_BYTES) {
                growTimestamps();
            }
            timestampBits = DodBuckets.write(timestamps, timestampBits, delta - lastDelta);
            lastDelta = delta;
        }
        if (values.length - valueByteLength() < VALUE_SPARE_BYTES) {
            reserveValues(n);
        }
        valueBits = xor.append(values, valueBits, v);
        maxTime = t;
        COUNT.setRelease(this, n + 1);
    }

    /**
     * Grows the values column before it runs out to what {@code expectedSamples} samples need at the rate so
     * far (+10 %): one step where growing by half takes three or four. Most series of a head are promoted to
     * the old generation before their first chunk fills, so every outgrown array stays there as garbage until
     * a full collection (~45 MB at 100k series with growth by half alone).
     */
    private void reserveValues(int n) {
        int used = valueByteLength();
        // The first value is stored raw (8 bytes); the rate is that of the XORed ones after it.
        long projected = n >= MIN_SAMPLES_TO_PROJECT && n < expectedSamples
                ? 8 + (long) (used - 8) * (expectedSamples - 1) / (n - 1) * 11 / 10 + VALUE_SPARE_BYTES : 0;
        int wanted = (int) Math.min(Math.max(projected, used + VALUE_SPARE_BYTES), Integer.MAX_VALUE - 16);
        VALUES.setRelease(this, Arrays.copyOf(values, Math.max(wanted, grownByHalf(values.length))));
    }

    /** Timestamps grow by half: a regular interval rarely needs it at all. */
    private void growTimestamps() {
        int wanted = timestampByteLength() + TIMESTAMP_SPARE_BYTES;
        TIMESTAMPS.setRelease(this, Arrays.copyOf(timestamps, Math.max(wanted, grownByHalf(timestamps.length))));
    }

    /**
     * Half again, not double: a head keeps one open chunk per series, and doubling left ~35 % of those
     * arrays unused on average.
     */
    private static int grownByHalf(int length) {
        return (length + (length >>> 1) + 7) & ~7;
    }

    /**
     * Loads what the next {@link #append} reads and writes (this chunk, both columns at their ends) and
     * returns a value derived from them, which the caller must use so the loads stay. A commit touches the
     * next few dozen series this way before appending to them: the loads of different series are
     * independent, so the CPU overlaps their cache misses instead of waiting for each in turn inside its
     * append (with thousands of series each sample's chunk is cold).
     */
    public int touch() {
        byte[] ts = timestamps;
        byte[] vs = values;
        int t = (int) (timestampBits >>> 3);
        int v = (int) (valueBits >>> 3);
        return count ^ (t < ts.length ? ts[t] : 0) ^ (v < vs.length ? vs[v] : 0) ^ xor.touch();
    }

    /** Number of samples, as published to readers on any thread. */
    public int count() {
        return (int) COUNT.getAcquire(this);
    }

    /** Timestamp of the first sample; undefined while empty. */
    public long minTime() {
        return minTime;
    }

    /** Timestamp of the last appended sample; undefined while empty. */
    public long maxTime() {
        return maxTime;
    }

    /** Encoded size so far in bytes, header excluded: the memory the samples take. */
    public int sizeBytes() {
        return timestampByteLength() + valueByteLength();
    }

    /** Empties the chunk for reuse, keeping its arrays (re-zeroing what was written). */
    public void reset() {
        Arrays.fill(timestamps, 0, Math.min(timestamps.length, timestampByteLength() + 8), (byte) 0);
        Arrays.fill(values, 0, Math.min(values.length, valueByteLength() + 8), (byte) 0);
        timestampBits = 0;
        valueBits = 0;
        xor.reset();
        COUNT.setRelease(this, 0);
    }

    /**
     * Appends this chunk, as is, in the chunk format to {@code out} and returns the number of bytes written.
     *
     * @throws IllegalStateException when the chunk is empty
     */
    public int encodeTo(ChunkBuffer out) {
        if (count == 0) {
            throw new IllegalStateException("cannot encode an empty head chunk");
        }
        return ChunkFormat.write(out, ChunkFormat.TIMESTAMP_DOD_BUCKETED, ChunkFormat.VALUE_XOR, count, minTime,
                maxTime, timestamps, timestampByteLength(), values, valueByteLength());
    }

    byte[] timestampBytesAcquire() {
        return (byte[]) TIMESTAMPS.getAcquire(this);
    }

    int timestampByteLength() {
        return (int) ((timestampBits + 7) >>> 3);
    }

    int valueByteLength() {
        return (int) ((valueBits + 7) >>> 3);
    }

    /** Length of the values column's array: what the column costs in memory. */
    int valueCapacity() {
        return values.length;
    }

    byte[] valueBytesAcquire() {
        return (byte[]) VALUES.getAcquire(this);
    }
}
