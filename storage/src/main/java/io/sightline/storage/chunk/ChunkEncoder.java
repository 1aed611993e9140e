package io.sightline.storage.chunk;

import io.sightline.storage.SampleIterator;
import java.util.Arrays;

/**
 * Encodes a sealed chunk in the smallest codec: timestamps as packed delta-of-deltas or as packed offsets
 * from a regular grid ({@link ChunkFormat#TIMESTAMP_DOD_PACKED}, {@link ChunkFormat#TIMESTAMP_GRID_PACKED});
 * values as Gorilla XOR, as packed XOR, or, when every value is a short decimal that round-trips bit for
 * bit, as scaled decimal deltas or delta-of-deltas, whichever is smallest (on a tie, decimal).
 *
 * <p>Reusable: {@link #reset()}, {@link #append} samples, {@link #encode(ChunkBuffer)}; after warm-up
 * nothing is allocated unless a chunk is larger than any before. Not thread-safe: one encoder per thread.
 */
public final class ChunkEncoder {
    private final BitWriter timestampColumn = new BitWriter(64);
    private final BitWriter xorColumn = new BitWriter(256);
    private final BitWriter decimalColumn = new BitWriter(256);
    private final BitWriter packedXorColumn = new BitWriter(256);
    private final PackedLayout xorLayout = new PackedLayout();
    private final XorWriter xor = new XorWriter();
    private final PackedLayout timestampDodLayout = new PackedLayout();
    private final PackedLayout gridLayout = new PackedLayout();
    private final PackedLayout deltaLayout = new PackedLayout();
    private final PackedLayout dodLayout = new PackedLayout();
    private long[] timestamps = new long[128];
    private double[] values = new double[128];
    private long[] mantissas = new long[128];
    private long[] residuals = new long[128];
    private long[] dodResiduals = new long[128];
    private long[] timestampDods = new long[128];
    private long[] xorResiduals = new long[128];
    private long[] timestampGrid = new long[128];
    private int[] exponents = new int[128];
    private int size;
    /** The exponent of {@link #mantissas} when {@link #appendAll(ChunkIterator)} took them from a decimal chunk. */
    private int knownExponent = DecimalConverter.NOT_DECIMAL;

    /** Forgets all appended samples. */
    public void reset() {
        size = 0;
        knownExponent = DecimalConverter.NOT_DECIMAL;
    }

    /**
     * Appends a sample; timestamps must be strictly increasing.
     *
     * @throws IllegalArgumentException when {@code t} is not after the previous timestamp
     * @throws IllegalStateException when the chunk already holds {@link ChunkFormat#MAX_SAMPLES} samples
     */
    public void append(long t, double v) {
        if (size > 0 && t <= timestamps[size - 1]) {
            throw new IllegalArgumentException("timestamp " + t + " is not after the previous timestamp "
                    + timestamps[size - 1] + "; chunks need strictly increasing timestamps");
        }
        if (size == timestamps.length) {
            if (size == ChunkFormat.MAX_SAMPLES) {
                throw new IllegalStateException("chunk is full: " + size + " samples is ChunkFormat.MAX_SAMPLES; "
                        + "cut a new chunk");
            }
            grow();
        }
        timestamps[size] = t;
        values[size] = v;
        size++;
        knownExponent = DecimalConverter.NOT_DECIMAL;
    }

    /** Appends every remaining sample of {@code it}, e.g. a {@link ChunkIterator} over a head chunk. */
    public void appendAll(SampleIterator it) {
        while (it.next()) {
            append(it.timestamp(), it.value());
        }
    }

    /**
     * Appends the chunk {@code it} was just reset to, in bulk: a chunk's decoded arrays are copied, and a
     * decimal chunk's mantissas too, so sealing a head chunk does not search every value's decimal form
     * again. Falls back to {@link #appendAll(SampleIterator)} when samples were appended before or {@code it}
     * has been advanced.
     *
     * @throws IllegalArgumentException when the timestamps are not strictly increasing
     */
    public void appendAll(ChunkIterator it) {
        if (size != 0 || !it.isAtStart()) {
            appendAll((SampleIterator) it);
            return;
        }
        int n = it.count();
        long[] ts = it.decodedTimestamps();
        double[] vs = it.decodedValues();
        while (timestamps.length < n) {
            grow();
        }
        for (int i = 1; i < n; i++) {
            if (ts[i] <= ts[i - 1]) {
                throw new IllegalArgumentException("timestamp " + ts[i] + " is not after the previous timestamp "
                        + ts[i - 1] + "; chunks need strictly increasing timestamps");
            }
        }
        System.arraycopy(ts, 0, timestamps, 0, n);
        System.arraycopy(vs, 0, values, 0, n);
        size = n;
        int exponent = it.decimalExponent();
        if (exponent != DecimalConverter.NOT_DECIMAL) {
            System.arraycopy(it.decodedMantissas(), 0, mantissas, 0, n);
        }
        knownExponent = exponent;
        while (it.next()) {
            // consumed, as the other appendAll leaves it
        }
    }

    /**
     * Encodes {@code timestamps[0, count)} and {@code values[0, count)} as one chunk appended to {@code out}
     * (replacing whatever was appended to this encoder before); returns the chunk's length in bytes.
     *
     * @throws IllegalArgumentException when the timestamps are not strictly increasing
     * @throws IllegalStateException when {@code count} is 0 or above {@link ChunkFormat#MAX_SAMPLES}
     */
    public int encode(long[] timestamps, double[] values, int count, ChunkBuffer out) {
        reset();
        for (int i = 0; i < count; i++) {
            append(timestamps[i], values[i]);
        }
        return encode(out);
    }

    /** Number of samples appended since the last {@link #reset()}. */
    public int size() {
        return size;
    }

    /**
     * Appends the chunk to {@code out} and returns its length in bytes.
     *
     * @throws IllegalStateException when no sample was appended
     */
    public int encode(ChunkBuffer out) {
        return encode(out, 0);
    }

    /** Encodes into a new array; convenient for tests and cold paths. */
    public byte[] encode() {
        ChunkBuffer out = new ChunkBuffer(ChunkFormat.MAX_HEADER_BYTES + size * 4);
        encode(out);
        return out.toByteArray();
    }

    /** As {@link #encode(ChunkBuffer)}, but with the value encoding forced when {@code forced != 0}. */
    int encode(ChunkBuffer out, int forcedValueEncoding) {
        if (size == 0) {
            throw new IllegalStateException("cannot encode an empty chunk: append at least one sample");
        }
        int timestampEncoding = encodeTimestamps();
        int valueEncoding;
        BitWriter valueColumn;
        int decimal = forcedValueEncoding == 0 || forcedValueEncoding == ChunkFormat.VALUE_DECIMAL_DELTA
                || forcedValueEncoding == ChunkFormat.VALUE_DECIMAL_DOD ? encodeDecimal(forcedValueEncoding) : 0;
        if (forcedValueEncoding != 0) {
            valueEncoding = forcedValueEncoding;
            if (forcedValueEncoding == ChunkFormat.VALUE_XOR) {
                encodeXor(Long.MAX_VALUE);
                valueColumn = xorColumn;
            } else if (forcedValueEncoding == ChunkFormat.VALUE_XOR_PACKED) {
                encodePackedXor();
                valueColumn = packedXorColumn;
            } else if (decimal != 0) {
                valueColumn = decimalColumn;
            } else {
                throw new IllegalArgumentException("values are not all short decimals; cannot force encoding "
                        + forcedValueEncoding);
            }
        } else if (decimal != 0 && !encodeXor(decimalColumn.bitLength())) {
            // Decimal data: neither XOR variant gets near it, so the packed XOR is not tried.
            valueEncoding = decimal;
            valueColumn = decimalColumn;
        } else {
            if (decimal == 0) {
                encodeXor(Long.MAX_VALUE);
            }
            long packedBits = encodePackedXor();
            boolean isPackedSmaller = (packedBits + 7) >>> 3 < xorColumn.byteLength();
            valueEncoding = isPackedSmaller ? ChunkFormat.VALUE_XOR_PACKED : ChunkFormat.VALUE_XOR;
            valueColumn = isPackedSmaller ? packedXorColumn : xorColumn;
            if (decimal != 0 && decimalColumn.byteLength() <= valueColumn.byteLength()) {
                valueEncoding = decimal;
                valueColumn = decimalColumn;
            }
        }
        return ChunkFormat.write(out, timestampEncoding, valueEncoding, size, timestamps[0],
                timestamps[size - 1], timestampColumn, valueColumn);
    }

    /**
     * Writes the XOR column, giving up as soon as it is no smaller than {@code limitBits} (the decimal
     * column's size); returns whether it is complete and smaller. Checked every 16 samples: cheap, and
     * on decimal data XOR usually loses within the first few.
     */
    private boolean encodeXor(long limitBits) {
        BitWriter w = xorColumn;
        w.reset();
        xor.reset();
        for (int i = 0; i < size; i++) {
            w.writeXor(xor, values[i]);
            if ((i & 15) == 15 && w.bitLength() >= limitBits) {
                return false;
            }
        }
        return w.byteLength() < (limitBits + 7) >>> 3;
    }

    /**
     * Writes the {@link ChunkFormat#VALUE_XOR_PACKED} column: first value raw, then consecutive XORs in a
     * fitted packing (their widths are 64 minus their leading zeros); returns its size in bits.
     */
    private long encodePackedXor() {
        BitWriter w = packedXorColumn;
        w.reset();
        long previous = Double.doubleToRawLongBits(values[0]);
        w.writeBits(previous, 64);
        if (size < 2) {
            return w.bitLength();
        }
        for (int i = 1; i < size; i++) {
            long bits = Double.doubleToRawLongBits(values[i]);
            xorResiduals[i] = bits ^ previous;
            previous = bits;
        }
        xorLayout.fit(xorResiduals, 1, size);
        xorLayout.writeSpec(w);
        for (int i = 1; i < size; i++) {
            xorLayout.write(w, xorResiduals[i]);
        }
        return w.bitLength();
    }

    /** Writes the smaller of the delta-of-delta and the grid timestamp columns; returns its encoding. */
    private int encodeTimestamps() {
        BitWriter w = timestampColumn;
        w.reset();
        int n = size;
        if (n < 2) {
            return ChunkFormat.TIMESTAMP_DOD_PACKED;
        }
        long firstDelta = timestamps[1] - timestamps[0];
        if (n < 3) {
            w.writeVarint(firstDelta);
            return ChunkFormat.TIMESTAMP_DOD_PACKED;
        }
        long delta = firstDelta;
        long anyDod = 0;
        for (int i = 2; i < n; i++) {
            long d = timestamps[i] - timestamps[i - 1];
            long zz = Zigzag.encode(d - delta);
            timestampDods[i] = zz;
            anyDod |= zz;
            delta = d;
        }
        if (anyDod == 0) {
            // Perfectly regular: every grid offset is 0 and the step comes from the header, so the column is
            // just a spec that says "0 bits each"; nothing can beat it, skip fitting.
            gridLayout.force(PackedLayout.FIXED, 0, 0, 0).writeSpec(w);
            return ChunkFormat.TIMESTAMP_GRID_PACKED;
        }
        // Wrapping arithmetic throughout: the decoder inverts it exactly even for spans past Long.MAX_VALUE.
        long t0 = timestamps[0];
        long step = ChunkFormat.gridStep(t0, timestamps[n - 1], n);
        for (int i = 1; i < n; i++) {
            timestampGrid[i] = Zigzag.encode(timestamps[i] - (t0 + i * step));
        }
        long dodBits = 8L * varintBytes(Zigzag.encode(firstDelta)) + timestampDodLayout.fit(timestampDods, 2, n);
        long gridBits = gridLayout.fit(timestampGrid, 1, n);
        if (gridBits <= dodBits) {
            gridLayout.writeSpec(w);
            for (int i = 1; i < n; i++) {
                gridLayout.write(w, timestampGrid[i]);
            }
            return ChunkFormat.TIMESTAMP_GRID_PACKED;
        }
        w.writeVarint(firstDelta);
        timestampDodLayout.writeSpec(w);
        for (int i = 2; i < n; i++) {
            timestampDodLayout.write(w, timestampDods[i]);
        }
        return ChunkFormat.TIMESTAMP_DOD_PACKED;
    }

    /** Writes the best decimal column into {@link #decimalColumn}; returns its encoding or 0 if not decimal. */
    private int encodeDecimal(int forced) {
        int exponent = knownExponent != DecimalConverter.NOT_DECIMAL
                ? DecimalConverter.normalize(values, size, mantissas, knownExponent) : DecimalConverter.NOT_DECIMAL;
        if (exponent == DecimalConverter.NOT_DECIMAL) {
            exponent = DecimalConverter.convert(values, size, mantissas, exponents);
        }
        if (exponent == DecimalConverter.NOT_DECIMAL) {
            return 0;
        }
        // Mantissas are within ±2^53, so deltas and delta-of-deltas cannot overflow.
        for (int i = 1; i < size; i++) {
            residuals[i] = Zigzag.encode(mantissas[i] - mantissas[i - 1]);
        }
        for (int i = 2; i < size; i++) {
            dodResiduals[i] = Zigzag.encode((mantissas[i] - mantissas[i - 1]) - (mantissas[i - 1] - mantissas[i - 2]));
        }
        long deltaBits = size > 1 ? deltaLayout.fit(residuals, 1, size) : 0;
        long dodBits = size > 2 ? dodLayout.fit(dodResiduals, 2, size) + 8L * varintBytes(residuals[1]) : 0;
        boolean useDod = forced == ChunkFormat.VALUE_DECIMAL_DOD
                || (forced == 0 && size > 2 && dodBits < deltaBits);
        BitWriter w = decimalColumn;
        w.reset();
        w.writeByte(exponent);
        w.writeVarint(mantissas[0]);
        if (useDod) {
            if (size > 1) {
                w.writeUvarint(residuals[1]);
            }
            if (size > 2) {
                dodLayout.fit(dodResiduals, 2, size);
                dodLayout.writeSpec(w);
                for (int i = 2; i < size; i++) {
                    dodLayout.write(w, dodResiduals[i]);
                }
            }
            return ChunkFormat.VALUE_DECIMAL_DOD;
        }
        if (size > 1) {
            deltaLayout.writeSpec(w);
            for (int i = 1; i < size; i++) {
                deltaLayout.write(w, residuals[i]);
            }
        }
        return ChunkFormat.VALUE_DECIMAL_DELTA;
    }

    private static int varintBytes(long v) {
        return Math.max(1, (Zigzag.width(v) + 6) / 7);
    }

    private void grow() {
        int n = timestamps.length * 2;
        timestamps = Arrays.copyOf(timestamps, n);
        values = Arrays.copyOf(values, n);
        mantissas = Arrays.copyOf(mantissas, n);
        residuals = Arrays.copyOf(residuals, n);
        dodResiduals = Arrays.copyOf(dodResiduals, n);
        timestampDods = Arrays.copyOf(timestampDods, n);
        xorResiduals = Arrays.copyOf(xorResiduals, n);
        timestampGrid = Arrays.copyOf(timestampGrid, n);
        exponents = Arrays.copyOf(exponents, n);
    }
}
