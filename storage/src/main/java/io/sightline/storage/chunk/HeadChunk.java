package io.sightline.storage.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The open chunk of a head series: samples are appended one at a time in O(1) without allocation (apart
 * from amortised growth of the two column arrays), and the chunk can be iterated while it is open.
 * Timestamps use {@link ChunkFormat#TIMESTAMP_DOD_BUCKETED}, values {@link ChunkFormat#VALUE_DECIMAL_RICE}
 * (scaled decimals, Rice-coded deltas: ~1-1.5 bytes per sample for gauges and counters, where Gorilla XOR
 * takes ~6), because both can be written before the rest of the chunk is known.
 *
 * <p>The values column's first byte says how it is coded: the decimal exponent (fraction digits, negated),
 * or {@link #XOR_MARKER} for {@link ChunkFormat#VALUE_XOR} from the next byte on. A value with more fraction
 * digits than the exponent has re-encodes the column at the finer exponent, and a value that is no short
 * decimal (NaN, a stale marker, -0.0, an infinity, a full-precision float) re-encodes it as XOR for the
 * rest of the chunk: both into a new array, so a reader's array never changes its bits. Both happen at most
 * a few times per chunk, mostly within its first samples.
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
 * must not race with readers; the storage engine retires a chunk before reusing it. A re-encoded column
 * is a new array published like a grown one; its first byte tells the reader how to decode it.
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

    /**
     * Most bytes one value can add to the column (XOR: 13 + 64 bits; decimal: 19 + 1 + 56 bits), plus the
     * writes' slack.
     */
    private static final int VALUE_SPARE_BYTES = 18;
    /** The values column's first byte when the rest is {@link ChunkFormat#VALUE_XOR}; exponents are <= 0. */
    private static final byte XOR_MARKER = 0x7F;
    /** {@link #digits} while the column is XOR. */
    private static final byte XOR = -1;
    /** Bytes a timestamp code may touch (4 + 64 bits), with the same slack. */
    private static final int TIMESTAMP_SPARE_BYTES = 18;
    /** Fewest samples whose bytes predict the rest of the chunk's; with fewer, the column grows by half. */
    private static final int MIN_SAMPLES_TO_PROJECT = 8;

    private final int expectedSamples;
    /** Timestamp column; every byte past {@link #timestampBits} is zero. */
    private byte[] timestamps;
    /** Value column; every byte past {@link #valueBits} is zero. */
    private byte[] values;
    /** Bit lengths of the columns: ints, as a chunk of {@link ChunkFormat#MAX_SAMPLES} takes < 2^27 bits. */
    private int timestampBits;
    private int valueBits;
    /** Fraction digits of the decimal column (its exponent negated), or {@link #XOR}. */
    private byte digits;
    /** Decimal column: the last mantissa. */
    private long lastMantissa;
    /** Decimal column: the Rice code's adaptive state ({@link DecimalRice}). */
    private long riceState;
    /** Decimal column: the Rice parameter of the next value, from the state before the last update. */
    private byte nextParameter;
    /** Decimal column: the OR of its mantissas' low bits; all even means the exponent may be finer than needed. */
    private byte mantissaLowBits;
    /**
     * Fraction digits the next chunk starts with at least: the last decimal chunk's, unless all its mantissas
     * were even (then its values may not need them). Series keep their precision from chunk to chunk, and
     * starting at it spares the re-encode each chunk would otherwise make when a value with more digits than
     * its first one comes.
     */
    private byte hintDigits;
    /** XOR column's running state; made when a chunk first falls back to XOR (most never do). */
    private XorWriter xor;
    private int count;
    private long minTime;
    private long maxTime;
    private long lastDelta;

    /** Creates an empty chunk sized for about {@code expectedSamples} samples (it grows past that). */
    public HeadChunk(int expectedSamples) {
        if (expectedSamples < 1) {
            throw new IllegalArgumentException("expectedSamples must be >= 1, got " + expectedSamples);
        }
        // Values: ~1 byte per sample is typical for decimal gauges and counters; 16 bytes of slack for the
        // exponent, the first mantissa and the writes.
        // Timestamps: a regular interval costs 1 bit per sample after the first delta (~3 bytes), plus the
        // writes' slack; jittered ones grow the array (by half) as needed.
        this.expectedSamples = expectedSamples;
        timestamps = new byte[Math.max(TIMESTAMP_SPARE_BYTES, expectedSamples / 8 + 16)];
        values = new byte[Math.max(VALUE_SPARE_BYTES + 1, expectedSamples + 16)];
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
            timestampBits = (int) DodBuckets.write(timestamps, timestampBits, delta - lastDelta);
            lastDelta = delta;
        }
        if (values.length - valueByteLength() < VALUE_SPARE_BYTES) {
            reserveValues(n);
        }
        if (n == 0) {
            startValues(v);
        } else if (digits != XOR) {
            long m = DecimalRice.mantissa(v, digits);
            if (m != Long.MIN_VALUE) {
                long z = Zigzag.encode(m - lastMantissa);
                int k = nextParameter;
                valueBits = (int) DecimalRice.write(values, valueBits, z, k);
                nextParameter = (byte) DecimalRice.parameter(riceState);
                riceState = DecimalRice.adapt(riceState, z, k);
                lastMantissa = m;
                mantissaLowBits |= (byte) m;
            } else {
                reencode(n, v);
            }
        } else {
            valueBits = (int) xor.append(values, valueBits, v);
        }
        maxTime = t;
        COUNT.setRelease(this, n + 1);
    }

    /** Codes the first value: decimal with its own fraction digits, else XOR. The array is zero (reset). */
    private void startValues(double v) {
        int d = DecimalRice.digitsOf(v, 0);
        if (d < 0) {
            startXor(values);
            valueBits = (int) xor.append(values, 8, v);
            return;
        }
        long m = DecimalRice.mantissa(v, d);
        long hinted = d < hintDigits ? DecimalRice.mantissa(v, hintDigits) : Long.MIN_VALUE;
        if (hinted != Long.MIN_VALUE) {
            d = hintDigits;
            m = hinted;
        }
        values[0] = (byte) -d;
        digits = (byte) d;
        riceState = 0;
        nextParameter = 0;
        lastMantissa = m;
        mantissaLowBits = (byte) m;
        valueBits = (int) DecimalRice.writeFirst(values, 8, m);
    }

    private void startXor(byte[] column) {
        column[0] = XOR_MARKER;
        digits = XOR;
        if (xor == null) {
            xor = new XorWriter();
        }
        xor.reset();
    }

    /**
     * The rare path of a decimal column: {@code v} needs more fraction digits (re-code every mantissa at the
     * finer exponent) or is no short decimal (re-code every value as XOR). Writes the column anew, with
     * {@code v} appended, into a new array and publishes it; readers keep the old one.
     */
    private void reencode(int n, double v) {
        long[] mantissas = new long[n];
        ColumnDecoder.riceMantissas(values, 8, (long) values.length * 8, mantissas, n);
        int d = DecimalRice.digitsOf(v, digits + 1);
        // Each code takes at most 11 bytes, the exponent 1, the first value 9; then the usual spare room.
        byte[] column = new byte[(n + 2) * 11 + VALUE_SPARE_BYTES];
        long bits = d < 0 ? -1 : rescaled(mantissas, n, d, column);
        if (bits < 0) {
            bits = xorOf(mantissas, n, column);
            bits = xor.append(column, bits, v);
        } else {
            long m = DecimalRice.mantissa(v, d);
            long z = Zigzag.encode(m - lastMantissa);
            int k = nextParameter;
            bits = DecimalRice.write(column, bits, z, k);
            nextParameter = (byte) DecimalRice.parameter(riceState);
            riceState = DecimalRice.adapt(riceState, z, k);
            lastMantissa = m;
            mantissaLowBits |= (byte) m;
        }
        valueBits = (int) bits;
        int used = (int) ((bits + 7) >>> 3);
        VALUES.setRelease(this, Arrays.copyOf(column, Math.max(values.length, used + VALUE_SPARE_BYTES)));
    }

    /**
     * Writes the {@code n} mantissas at {@code d} fraction digits into {@code column} and returns the bit
     * length, or -1 when one of them would leave {@link DecimalRice#MAX_MANTISSA} or not decode to the same
     * bits (it always does within the bound; checked because a wrong value is never acceptable).
     */
    private long rescaled(long[] mantissas, int n, int d, byte[] column) {
        long scale = DecimalConverter.POW10_LONG[d - digits];
        double oldScale = DecimalConverter.scale(-digits);
        double newScale = DecimalConverter.scale(-d);
        for (int i = 0; i < n; i++) {
            long m = mantissas[i];
            if (Math.abs(m) > DecimalRice.MAX_MANTISSA / scale
                    || Double.doubleToRawLongBits(m * scale / newScale) != Double.doubleToRawLongBits(m / oldScale)) {
                return -1;
            }
        }
        column[0] = (byte) -d;
        long s = 0;
        int next = 0;
        long last = mantissas[0] * scale;
        long bits = DecimalRice.writeFirst(column, 8, last);
        for (int i = 1; i < n; i++) {
            long m = mantissas[i] * scale;
            long z = Zigzag.encode(m - last);
            int k = next;
            bits = DecimalRice.write(column, bits, z, k);
            next = DecimalRice.parameter(s);
            s = DecimalRice.adapt(s, z, k);
            last = m;
        }
        digits = (byte) d;
        riceState = s;
        nextParameter = (byte) next;
        lastMantissa = last;
        mantissaLowBits = (byte) last;
        for (int i = 0; i < n - 1; i++) {
            mantissaLowBits |= (byte) (mantissas[i] * scale);
        }
        return bits;
    }

    /** Writes the {@code n} decimal values as an XOR column into {@code column}; returns the bit length. */
    private long xorOf(long[] mantissas, int n, byte[] column) {
        double scale = DecimalConverter.scale(-digits);
        startXor(column);
        long bits = 8;
        for (int i = 0; i < n; i++) {
            bits = xor.append(column, bits, mantissas[i] / scale);
        }
        return bits;
    }

    /**
     * Grows the values column before it runs out to what {@code expectedSamples} samples need at the rate so
     * far (+5 %: decimal columns grow at a steady rate): one step where growing by half takes three or four.
     * Most series of a head are promoted to the old generation before their first chunk fills, so every
     * outgrown array stays there as garbage until a full collection (~45 MB at 100k series with growth by
     * half alone).
     */
    private void reserveValues(int n) {
        int used = valueByteLength();
        long projected = n >= MIN_SAMPLES_TO_PROJECT && n < expectedSamples
                ? (long) used * expectedSamples / n * 21 / 20 + VALUE_SPARE_BYTES : grownByHalf(values.length);
        int wanted = (int) Math.min(Math.max(projected, used + VALUE_SPARE_BYTES), Integer.MAX_VALUE - 16);
        VALUES.setRelease(this, Arrays.copyOf(values, wanted));
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
        int t = timestampBits >>> 3;
        int v = valueBits >>> 3;
        return count ^ (t < ts.length ? ts[t] : 0) ^ (v < vs.length ? vs[v] : 0) ^ (int) lastMantissa;
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
        if (count > 0 && digits != XOR) {
            hintDigits = (mantissaLowBits & 1) != 0 ? digits : 0;
        }
        Arrays.fill(timestamps, 0, Math.min(timestamps.length, timestampByteLength() + 8), (byte) 0);
        Arrays.fill(values, 0, Math.min(values.length, valueByteLength() + 8), (byte) 0);
        timestampBits = 0;
        valueBits = 0;
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
        boolean isXor = digits == XOR;
        return ChunkFormat.write(out, ChunkFormat.TIMESTAMP_DOD_BUCKETED,
                isXor ? ChunkFormat.VALUE_XOR : ChunkFormat.VALUE_DECIMAL_RICE, count, minTime, maxTime, timestamps,
                timestampByteLength(), values, isXor ? 1 : 0, valueByteLength() - (isXor ? 1 : 0));
    }

    /** Whether a (non-empty) values column of a head chunk is XOR from its second byte on, not decimal. */
    static boolean isXorColumn(byte[] column) {
        return column[0] == XOR_MARKER;
    }

    byte[] timestampBytesAcquire() {
        return (byte[]) TIMESTAMPS.getAcquire(this);
    }

    int timestampByteLength() {
        return (timestampBits + 7) >>> 3;
    }

    int valueByteLength() {
        return (valueBits + 7) >>> 3;
    }

    /** Length of the values column's array: what the column costs in memory. */
    int valueCapacity() {
        return values.length;
    }

    byte[] valueBytesAcquire() {
        return (byte[]) VALUES.getAcquire(this);
    }
}
