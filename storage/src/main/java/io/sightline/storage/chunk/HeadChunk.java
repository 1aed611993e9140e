package io.sightline.storage.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * <p>Both columns share one array, {@code [valueStart (4 bytes)][timestamp column ...][values column ...]},
 * with bit positions and the XOR state in this object's own fields, not {@link BitWriter}s or an
 * {@link XorWriter}: a head holds one open chunk per series, and every object or array per chunk costs a
 * header, alignment and a pointer hop on every append. The values column's offset lives in the array itself,
 * so a reader that acquired an array always splits it as it was written. The array keeps no worst-case room
 * per column: a code checks the room its own bits need once the column is within a worst-case code of its
 * end, and a timestamp write may reach into the values column (see {@link #WRITE_BYTES}); at a chunk cut the
 * storage engine may give the next chunk an array fitted to this one's bytes per sample ({@link #resetFitted()}).
 *
 * <p>Not final so that a head series can be its own open chunk (one object per series instead of two, see
 * {@code HeadSeries}); a subclass adds identity and locking, never behaviour: every method here is final.
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
public class HeadChunk {
    /**
     * Samples a values column that grows before holding this many is projected to hold: the storage engine
     * cuts a head chunk at this count. A constant, not a field per chunk: every head chunk has the same.
     */
    public static final int PROJECTED_SAMPLES = 120;

    private static final VarHandle COUNT;
    private static final VarHandle COLUMN;
    private static final VarHandle MAX_TIME;
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            COUNT = lookup.findVarHandle(HeadChunk.class, "count", int.class);
            COLUMN = lookup.findVarHandle(HeadChunk.class, "column", byte[].class);
            MAX_TIME = lookup.findVarHandle(HeadChunk.class, "maxTime", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Room a values column keeps for any one value (XOR: 13 + 64 bits; decimal: 26 + 56 bits; the first value:
     * the exponent byte and 6 + 64 bits), plus the writes' slack: the check for an XOR value and the first
     * one, and every values column's least capacity. A decimal value checks the room its own code needs.
     */
    private static final int VALUE_SPARE_BYTES = 18;
    /**
     * Bytes a bit write touches from the byte of its position ({@link BitWriter#put} reads and writes a
     * 64-bit word there): what a column needs past the byte its last code starts in. In the timestamp region
     * that word may reach into the values column: it ORs zero bits there and writes back the bytes it read,
     * so only the array's end needs this slack, not the gap between the columns.
     */
    private static final int WRITE_BYTES = 8;
    /** The values column's first byte when the rest is {@link ChunkFormat#VALUE_XOR}; exponents are <= 0. */
    private static final byte XOR_MARKER = 0x7F;
    /** {@link #digits} while the column is XOR. */
    private static final byte XOR = -1;
    /** Bytes of the longest timestamp code ({@link DodBuckets#MAX_BITS}). */
    private static final int TIMESTAMP_CODE_BYTES = (DodBuckets.MAX_BITS + 7) / 8;
    /** Fewest samples of a cut chunk whose bytes size the next chunk's array ({@link #resetFitted()}). */
    private static final int MIN_SAMPLES_TO_FIT = PROJECTED_SAMPLES / 2;
    /** Fewest samples whose bytes predict the rest of the chunk's; with fewer, the column grows by half. */
    private static final int MIN_SAMPLES_TO_PROJECT = 8;
    /** The array's first bytes: the values column's offset (big-endian int); the timestamp column follows. */
    private static final int HEADER_BYTES = 4;
    private static final long TIMESTAMP_BASE_BIT = HEADER_BYTES * 8L;
    /**
     * Bytes before a byte array's first element with compact object headers (-XX:+UseCompactObjectHeaders,
     * as the server runs): array lengths are chosen so that header and elements end on the heap's 8-byte
     * alignment, and the bytes it would pad with are the values column's room instead.
     */
    private static final int ARRAY_BASE_BYTES = 12;
    /** {@link #lastDelta} when the last delta does not fit an int (over ~24.8 days): the column has it. */
    private static final int DELTA_IN_COLUMN = Integer.MIN_VALUE;
    /** {@link #riceState} of an XOR column before its first window: leading zeros -1, trailing 0. */
    private static final long XOR_NO_WINDOW = 0xFF00L;

    // The fields are as narrow as their values allow, and the XOR state shares the decimal one's: a head
    // holds one chunk per series (its HeadSeries), so each field byte costs 100 kB at 100k series (the object
    // is 8-byte aligned: with HeadSeries' fields these add up to 72 bytes, an 80-byte object with compact
    // headers; 8 bytes more would make it 88).
    /**
     * Both columns (see the class comment); every byte past either column's bits up to the next column (or
     * the end) is zero. Written with release semantics whenever it is replaced.
     */
    private byte[] column;
    /** Bit lengths of the columns: ints, as a chunk of {@link ChunkFormat#MAX_SAMPLES} takes < 2^27 bits. */
    private int timestampBits;
    private int valueBits;
    private int count;
    /** Fraction digits of the decimal column (its exponent negated), or {@link #XOR}. */
    private byte digits;
    /** Decimal column: the Rice parameter of the next value, from the state before the last update. */
    private byte nextParameter;
    /**
     * Bit 0, decimal column: the OR of its mantissas' low bits; all even means the exponent may be finer than
     * needed. Bits 1-4: the fraction digits the next chunk starts with at least ({@link #hintDigits()}): the
     * last decimal chunk's, unless all its mantissas were even (then its values may not need them). Series
     * keep their precision from chunk to chunk, and starting at it spares the re-encode each chunk would
     * otherwise make when a value with more digits than its first one comes.
     */
    private byte precision;
    /**
     * The last timestamp delta, or {@link #DELTA_IN_COLUMN}: an int, as the storage engine's chunks never span
     * more than a block (2 h by default), and a rare longer gap reads it back from the timestamp column.
     */
    private int lastDelta;
    /** Decimal column: the last mantissa. XOR column: the last value's raw bits. Kept by {@link #reset()}. */
    private long last;
    /**
     * Decimal column: the Rice code's adaptive state ({@link DecimalRice}). XOR column: the window, leading
     * zeros (-1 before the first window) in bits 8-15 and trailing zeros in bits 0-7.
     */
    private long riceState;
    private long minTime;
    /** The last appended timestamp, {@code Long.MIN_VALUE} before the first; kept by {@link #reset()}. */
    private long maxTime = Long.MIN_VALUE;

    /**
     * Creates an empty chunk whose array is sized for about {@code expectedSamples} samples (it grows past
     * that, by projection to {@link #PROJECTED_SAMPLES} and then by half).
     */
    public HeadChunk(int expectedSamples) {
        if (expectedSamples < 1) {
            throw new IllegalArgumentException("expectedSamples must be >= 1, got " + expectedSamples);
        }
        // Values: ~1 byte per sample is typical for decimal gauges and counters; 8 bytes for the exponent, the
        // first mantissa and the writes' slack at the array's end.
        // Timestamps: a regular interval costs 1 bit per sample after the first delta (~3 bytes, 3 more for a
        // few jittered codes). Each code checks that its own bits fit (a write's slack may reach into the
        // values column, see WRITE_BYTES), so the region holds no slack: sized so that a regular series never
        // grows it (a growth copies both columns into a new array and leaves the old one as garbage, in the
        // old generation once the series is promoted; in OpenChunkCpuTime the scattered regrown arrays also
        // made appends ~40 % slower); jittered ones grow it (by half) as needed.
        column = newColumn(expectedSamples / 8 + 6, Math.max(VALUE_SPARE_BYTES + 1, expectedSamples + 8));
    }

    /**
     * Appends a sample. Timestamps must be strictly increasing (the storage engine sorts out-of-order
     * samples before they reach a chunk); any double is accepted and kept bit for bit.
     *
     * @throws IllegalArgumentException when {@code t} is not after the last timestamp
     * @throws IllegalStateException when the chunk already holds {@link ChunkFormat#MAX_SAMPLES} samples
     */
    public final void append(long t, double v) {
        int n = count;
        byte[] c = column;
        int valueStart = valueStart(c);
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
            long dod = delta - (lastDelta != DELTA_IN_COLUMN ? lastDelta : lastDeltaFromColumn(n));
            int room = (valueStart - HEADER_BYTES) << 3;
            // The exact check only where the longest code might not fit: the usual path costs what it did
            // with worst-case slack in the array.
            if (timestampBits + DodBuckets.MAX_BITS > room && timestampBits + DodBuckets.bits(dod) > room) {
                c = growTimestamps();
                valueStart = valueStart(c);
            }
            timestampBits = (int) (DodBuckets.write(c, TIMESTAMP_BASE_BIT + timestampBits, dod) - TIMESTAMP_BASE_BIT);
            lastDelta = (int) delta == delta && delta != DELTA_IN_COLUMN ? (int) delta : DELTA_IN_COLUMN;
        }
        boolean isRoomy = c.length - valueStart - valueByteLength() >= VALUE_SPARE_BYTES;
        if (!isRoomy && (n == 0 || digits == XOR)) {
            c = reserveValues(n, valueByteLength() + VALUE_SPARE_BYTES);
            valueStart = valueStart(c);
        }
        long base = (long) valueStart << 3;
        if (n == 0) {
            startValues(c, valueStart, v);
        } else if (digits != XOR) {
            long m = DecimalRice.mantissa(v, digits);
            if (m != Long.MIN_VALUE) {
                long z = Zigzag.encode(m - last);
                int k = nextParameter;
                if (!isRoomy) {
                    // Every write of the code starts before its end: the last one's word must fit in the array.
                    int needed = ((valueBits + DecimalRice.bits(z, k)) >>> 3) + WRITE_BYTES;
                    if (needed > c.length - valueStart) {
                        c = reserveValues(n, needed);
                        base = (long) valueStart(c) << 3;
                    }
                }
                valueBits = (int) (DecimalRice.write(c, base + valueBits, z, k) - base);
                nextParameter = (byte) DecimalRice.parameter(riceState);
                riceState = DecimalRice.adapt(riceState, z, k);
                last = m;
                precision |= (byte) ((int) m & 1);
            } else {
                reencode(n, v);
            }
        } else {
            valueBits = (int) (appendXor(c, base + valueBits, v) - base);
        }
        MAX_TIME.setRelease(this, t);
        COUNT.setRelease(this, n + 1);
    }

    /** Codes the first value: decimal with its own fraction digits, else XOR. The region is zero (reset). */
    private void startValues(byte[] c, int valueStart, double v) {
        long base = (long) valueStart << 3;
        int d = DecimalRice.digitsOf(v, 0);
        if (d < 0) {
            valueBits = (int) (startXor(c, valueStart, v) - base);
            return;
        }
        long m = DecimalRice.mantissa(v, d);
        int hint = hintDigits();
        long hinted = d < hint ? DecimalRice.mantissa(v, hint) : Long.MIN_VALUE;
        if (hinted != Long.MIN_VALUE) {
            d = hint;
            m = hinted;
        }
        c[valueStart] = (byte) -d;
        digits = (byte) d;
        riceState = 0;
        nextParameter = 0;
        last = m;
        precision = (byte) ((precision & ~1) | ((int) m & 1));
        valueBits = (int) (DecimalRice.writeFirst(c, base + 8, m) - base);
    }

    /** Marks the values column at {@code valueStart} of {@code c} as XOR, and writes {@code v} as its first value. */
    private long startXor(byte[] c, int valueStart, double v) {
        c[valueStart] = XOR_MARKER;
        digits = XOR;
        riceState = XOR_NO_WINDOW;
        last = Double.doubleToRawLongBits(v);
        return BitWriter.put(c, ((long) valueStart << 3) + 8, last, 64);
    }

    /** Writes the XOR code of {@code v} at {@code bitPos}; as {@link XorWriter#append}, with the state in this chunk's fields. */
    private long appendXor(byte[] c, long bitPos, double v) {
        long bits = Double.doubleToRawLongBits(v);
        long xor = bits ^ last;
        last = bits;
        if (xor == 0) {
            return bitPos + 1; // a 0 bit: the array is zero past bitPos
        }
        int lz = XorWriter.leadingOf(xor);
        int tz = Long.numberOfTrailingZeros(xor);
        int leading = (byte) (riceState >>> 8);
        int trailing = (byte) riceState;
        if (XorWriter.isInWindow(lz, tz, leading, trailing)) {
            return XorWriter.putInWindow(c, bitPos, xor, leading, trailing);
        }
        riceState = ((long) lz << 8) | tz;
        return XorWriter.putNewWindow(c, bitPos, xor, lz, tz);
    }

    /**
     * The rare path of a decimal column: {@code v} needs more fraction digits (re-code every mantissa at the
     * finer exponent) or is no short decimal (re-code every value as XOR). Writes the column anew, with
     * {@code v} appended, into a new array and publishes it; readers keep the old one.
     */
    private void reencode(int n, double v) {
        byte[] c = column;
        int valueStart = valueStart(c);
        long[] mantissas = new long[n];
        ColumnDecoder.riceMantissas(c, ((long) valueStart << 3) + 8, (long) c.length * 8, mantissas, n);
        int d = DecimalRice.digitsOf(v, digits + 1);
        // Each code takes at most 11 bytes, the exponent 1, the first value 9; then the usual spare room.
        byte[] values = new byte[(n + 2) * 11 + VALUE_SPARE_BYTES];
        long bits = d < 0 ? -1 : rescaled(mantissas, n, d, values);
        if (bits < 0) {
            bits = xorOf(mantissas, n, values);
            bits = appendXor(values, bits, v);
        } else {
            long m = DecimalRice.mantissa(v, d);
            long z = Zigzag.encode(m - last);
            int k = nextParameter;
            bits = DecimalRice.write(values, bits, z, k);
            nextParameter = (byte) DecimalRice.parameter(riceState);
            riceState = DecimalRice.adapt(riceState, z, k);
            last = m;
            precision |= (byte) ((int) m & 1);
        }
        valueBits = (int) bits;
        int used = (int) ((bits + 7) >>> 3);
        int valueCapacity = Math.max(c.length - valueStart, used + VALUE_SPARE_BYTES);
        byte[] next = newColumn(valueStart - HEADER_BYTES, valueCapacity);
        System.arraycopy(c, HEADER_BYTES, next, HEADER_BYTES, timestampByteLength());
        System.arraycopy(values, 0, next, valueStart, used);
        COLUMN.setRelease(this, next);
    }

    /**
     * Writes the {@code n} mantissas at {@code d} fraction digits into {@code values} and returns the bit
     * length, or -1 when one of them would leave {@link DecimalRice#MAX_MANTISSA} or not decode to the same
     * bits (it always does within the bound; checked because a wrong value is never acceptable).
     */
    private long rescaled(long[] mantissas, int n, int d, byte[] values) {
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
        values[0] = (byte) -d;
        long s = 0;
        int next = 0;
        long previous = mantissas[0] * scale;
        long bits = DecimalRice.writeFirst(values, 8, previous);
        for (int i = 1; i < n; i++) {
            long m = mantissas[i] * scale;
            long z = Zigzag.encode(m - previous);
            int k = next;
            bits = DecimalRice.write(values, bits, z, k);
            next = DecimalRice.parameter(s);
            s = DecimalRice.adapt(s, z, k);
            previous = m;
        }
        digits = (byte) d;
        riceState = s;
        nextParameter = (byte) next;
        last = previous;
        long lowBits = previous;
        for (int i = 0; i < n - 1; i++) {
            lowBits |= mantissas[i] * scale;
        }
        precision = (byte) ((precision & ~1) | ((int) lowBits & 1));
        return bits;
    }

    /** Writes the {@code n} decimal values as an XOR column into {@code values}; returns the bit length. */
    private long xorOf(long[] mantissas, int n, byte[] values) {
        double scale = DecimalConverter.scale(-digits);
        long bits = startXor(values, 0, mantissas[0] / scale);
        for (int i = 1; i < n; i++) {
            bits = appendXor(values, bits, mantissas[i] / scale);
        }
        return bits;
    }

    /**
     * Grows the values column before it runs out to what {@link #PROJECTED_SAMPLES} samples need at the rate so
     * far (+5 %: decimal columns grow at a steady rate): one step where growing by half takes three or four.
     * Most series of a head are promoted to the old generation before their first chunk fills, so every
     * outgrown array stays there as garbage until a full collection (~45 MB at 100k series with growth by
     * half alone). The new column holds at least {@code needed} bytes. Returns the new array.
     */
    private byte[] reserveValues(int n, int needed) {
        int used = valueByteLength();
        int valueStart = valueStart(column);
        long projected = n >= MIN_SAMPLES_TO_PROJECT && n < PROJECTED_SAMPLES
                ? (long) used * PROJECTED_SAMPLES / n * 21 / 20 + WRITE_BYTES
                : grownByHalf(column.length - valueStart);
        int wanted = (int) Math.min(Math.max(projected, needed), Integer.MAX_VALUE - 64);
        return regrow(valueStart - HEADER_BYTES, wanted);
    }

    /**
     * The delta between the last two of the {@code n} samples, read back from the timestamp column: the rare
     * path of a gap over ~24.8 days (allocates).
     */
    private long lastDeltaFromColumn(int n) {
        byte[] padded = Arrays.copyOfRange(column, HEADER_BYTES, HEADER_BYTES + timestampByteLength() + Bits.PADDING_BYTES);
        long[] ts = new long[n];
        ColumnDecoder.bucketedTimestamps(padded, 0, timestampBits, minTime, ts, n);
        return ts[n - 1] - ts[n - 2];
    }

    /** Fraction digits the next decimal column starts with at least (see {@link #precision}). */
    private int hintDigits() {
        return (precision >>> 1) & 0xF;
    }

    /** Timestamps grow by half: a regular interval rarely needs it at all. Returns the new array. */
    private byte[] growTimestamps() {
        byte[] c = column;
        int valueStart = valueStart(c);
        int wanted = timestampByteLength() + TIMESTAMP_CODE_BYTES;
        return regrow(Math.max(wanted, grownByHalf(valueStart - HEADER_BYTES)), c.length - valueStart);
    }

    /** Copies both columns into a new array with these capacities and publishes it; returns it. */
    private byte[] regrow(int timestampCapacity, int valueCapacity) {
        byte[] c = column;
        byte[] next = newColumn(timestampCapacity, valueCapacity);
        System.arraycopy(c, HEADER_BYTES, next, HEADER_BYTES, timestampByteLength());
        System.arraycopy(c, valueStart(c), next, valueStart(next), valueByteLength());
        COLUMN.setRelease(this, next);
        return next;
    }

    /** A new array with these capacities; the values column also takes the bytes the heap would pad with. */
    private static byte[] newColumn(int timestampCapacity, int valueCapacity) {
        int length = ((ARRAY_BASE_BYTES + HEADER_BYTES + timestampCapacity + valueCapacity + 7) & ~7)
                - ARRAY_BASE_BYTES;
        byte[] c = new byte[length];
        INT_BE.set(c, 0, HEADER_BYTES + timestampCapacity);
        return c;
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
    public final int touch() {
        byte[] c = column;
        int t = HEADER_BYTES + (timestampBits >>> 3);
        int v = valueStart(c) + (valueBits >>> 3);
        return count ^ (t < c.length ? c[t] : 0) ^ (v < c.length ? c[v] : 0) ^ (int) last;
    }

    /** Number of samples, as published to readers on any thread. */
    public final int count() {
        return (int) COUNT.getAcquire(this);
    }

    /** Timestamp of the first sample; undefined while empty. */
    public final long minTime() {
        return minTime;
    }

    /**
     * Timestamp of the last appended sample, also after {@link #reset()} (until the next append), and
     * {@code Long.MIN_VALUE} before the first append. Readable on any thread (published with release
     * semantics, no lock needed for a hint).
     */
    public final long maxTime() {
        return (long) MAX_TIME.getAcquire(this);
    }

    /**
     * The raw bits of the last appended value, also after {@link #reset()} (until the next append); undefined
     * before the first append. The appender's duplicate check compares with it.
     */
    public final long lastValueBits() {
        return digits == XOR ? last : Double.doubleToRawLongBits(last / DecimalConverter.scale(-digits));
    }

    /** Encoded size so far in bytes, header excluded: the memory the samples take. */
    public final int sizeBytes() {
        return timestampByteLength() + valueByteLength();
    }

    /**
     * Empties the chunk for the series' next one, as {@link #reset()}, but first gives it a smaller array when
     * this one held at least {@link #MIN_SAMPLES_TO_FIT} samples in much less than its room: a series keeps its
     * shape from chunk to chunk, and the first chunk's array was sized for ~1 byte per sample, where a flat
     * counter needs ~1 bit. The new array fits {@link #PROJECTED_SAMPLES} at this chunk's rate with an eighth
     * more; it replaces one that is a quarter larger than that or more, so a series whose chunks vary a
     * little is not cut down and regrown chunk after chunk (each outgrown array is old-generation garbage).
     */
    public final void resetFitted() {
        int n = count;
        byte[] c = column;
        int valueStart = valueStart(c);
        int timestampRoom = valueStart - HEADER_BYTES;
        int valueRoom = c.length - valueStart;
        if (n >= MIN_SAMPLES_TO_FIT) {
            long values = Math.max(VALUE_SPARE_BYTES + 1,
                    (long) valueByteLength() * PROJECTED_SAMPLES / n * 9 / 8 + WRITE_BYTES);
            long timestamps = Math.max(PROJECTED_SAMPLES / 8 + 6,
                    (long) timestampByteLength() * PROJECTED_SAMPLES / n + TIMESTAMP_CODE_BYTES);
            if (valueRoom > values * 5 / 4 || timestampRoom > timestamps * 5 / 4) {
                byte[] fitted = newColumn((int) Math.min(timestamps, timestampRoom), (int) Math.min(values, valueRoom));
                empty();
                COLUMN.setRelease(this, fitted);
                return;
            }
        }
        reset();
    }

    /** Empties the chunk for reuse, keeping its array (re-zeroing what was written). */
    public final void reset() {
        byte[] c = column;
        int valueStart = valueStart(c);
        Arrays.fill(c, HEADER_BYTES, Math.min(valueStart, HEADER_BYTES + timestampByteLength() + 8), (byte) 0);
        Arrays.fill(c, valueStart, Math.min(c.length, valueStart + valueByteLength() + 8), (byte) 0);
        empty();
    }

    /** Sets the state of an empty chunk, keeping the precision hint, the last time and value. */
    private void empty() {
        if (count > 0 && digits != XOR) {
            precision = (byte) (((precision & 1) != 0 ? digits : 0) << 1);
        }
        timestampBits = 0;
        valueBits = 0;
        COUNT.setRelease(this, 0);
    }

    /**
     * Appends this chunk, as is, in the chunk format to {@code out} and returns the number of bytes written.
     *
     * @throws IllegalStateException when the chunk is empty
     */
    public final int encodeTo(ChunkBuffer out) {
        if (count == 0) {
            throw new IllegalStateException("cannot encode an empty head chunk");
        }
        boolean isXor = digits == XOR;
        byte[] c = column;
        int skip = isXor ? 1 : 0;
        return ChunkFormat.write(out, ChunkFormat.TIMESTAMP_DOD_BUCKETED,
                isXor ? ChunkFormat.VALUE_XOR : ChunkFormat.VALUE_DECIMAL_RICE, count, minTime, maxTime, c,
                HEADER_BYTES, timestampByteLength(), c, valueStart(c) + skip, valueByteLength() - skip);
    }

    /** Whether the (non-empty) values column of a head chunk's array is XOR from its second byte on, not decimal. */
    static boolean isXorColumn(byte[] column) {
        return column[valueStart(column)] == XOR_MARKER;
    }

    /** Offset of the values column in a head chunk's array; the timestamp column is {@code [HEADER_BYTES, this)}. */
    static int valueStart(byte[] column) {
        return (int) INT_BE.get(column, 0);
    }

    static int timestampStart() {
        return HEADER_BYTES;
    }

    /** The array of both columns, for a reader on another thread after it acquired the published count. */
    byte[] columnAcquire() {
        return (byte[]) COLUMN.getAcquire(this);
    }

    int timestampByteLength() {
        return (timestampBits + 7) >>> 3;
    }

    int valueByteLength() {
        return (valueBits + 7) >>> 3;
    }

    /** Room of the values column in the array: what the column costs in memory. */
    int valueCapacity() {
        byte[] c = column;
        return c.length - valueStart(c);
    }

    /** The values column's first byte: the decimal exponent or the XOR marker. */
    byte valueColumnHead() {
        byte[] c = columnAcquire();
        return c[valueStart(c)];
    }
}
