package io.sightline.storage.chunk;

/**
 * Bulk decoders, one tight loop per column encoding: a whole column is decoded into primitive arrays in
 * one call, with the bit position in a local variable and no per-sample dispatch on the encoding (a
 * sample-at-a-time decoder measured ~35 M samples/s against this one's figures in chunk.md's benchmark
 * notes). Every loop checks that it has not run past the column end, so damaged data fails with
 * {@link IllegalArgumentException} ("column ends before sample i") instead of reading foreign bytes.
 */
final class ColumnDecoder {
    private ColumnDecoder() {
    }

    /** {@link ChunkFormat#TIMESTAMP_DOD_BUCKETED}: fills {@code out[0, n)}; returns the end bit. */
    static long bucketedTimestamps(byte[] b, long pos, long end, long minTime, long[] out, int n) {
        long t = minTime;
        long delta = 0;
        out[0] = t;
        for (int i = 1; i < n; i++) {
            checkNotPast(pos, end, i);
            long w = Bits.window(b, pos);
            long dod;
            if (w >= 0) {
                pos += 1;
                dod = 0;
            } else if ((w << 1) >= 0) {
                pos += 12;
                dod = (w << 2) >> 54;
            } else if ((w << 2) >= 0) {
                pos += 19;
                dod = (w << 3) >> 48;
            } else if ((w << 3) >= 0) {
                pos += 28;
                dod = (w << 4) >> 40;
            } else {
                dod = Bits.read(b, pos + 4, 64);
                pos += 68;
            }
            delta += dod;
            t += delta;
            out[i] = t;
        }
        checkNotPast(pos, end, n);
        return pos;
    }

    /**
     * {@link ChunkFormat#TIMESTAMP_DOD_PACKED} after its preamble: {@code layout} holds the spec of the
     * dods of samples 2..n-1. Fills {@code out[0, n)}; returns the end bit.
     */
    static long packedTimestamps(byte[] b, long pos, long end, long minTime, long firstDelta, PackedLayout layout,
                                 long[] out, int n) {
        out[0] = minTime;
        if (n < 2) {
            return pos;
        }
        out[1] = minTime + firstDelta;
        if (n < 3) {
            return pos;
        }
        pos = layout.decode(b, pos, end, out, 2, n);
        long delta = firstDelta;
        long t = out[1];
        for (int i = 2; i < n; i++) {
            delta += Zigzag.decode(out[i]);
            t += delta;
            out[i] = t;
        }
        return pos;
    }

    /**
     * {@link ChunkFormat#TIMESTAMP_GRID_PACKED} after its preamble: {@code layout} holds the spec of the offsets
     * of samples 1..n-1 from the grid. Fills {@code out[0, n)}; returns the end bit.
     */
    static long gridTimestamps(byte[] b, long pos, long end, long minTime, long step, PackedLayout layout,
                               long[] out, int n) {
        out[0] = minTime;
        if (n < 2) {
            return pos;
        }
        pos = layout.decode(b, pos, end, out, 1, n);
        for (int i = 1; i < n; i++) {
            out[i] = Zigzag.decode(out[i]) + minTime + i * step;
        }
        return pos;
    }

    /**
     * {@link ChunkFormat#VALUE_XOR_PACKED} after its first value and spec: the packed residuals in
     * {@code xors[1, n)} are each value's bits XOR the previous value's; fills {@code out[0, n)}.
     */
    static void packedXorValues(long firstBits, long[] xors, double[] out, int n) {
        long bits = firstBits;
        out[0] = Double.longBitsToDouble(bits);
        for (int i = 1; i < n; i++) {
            bits ^= xors[i];
            out[i] = Double.longBitsToDouble(bits);
        }
    }

    /** {@link ChunkFormat#VALUE_XOR}: fills {@code out[0, n)} from the Gorilla XOR stream; returns the end bit. */
    static long xorValues(byte[] b, long pos, long end, double[] out, int n) {
        checkNotPast(pos + 64, end, 0);
        long previous = Bits.read(b, pos, 64);
        pos += 64;
        out[0] = Double.longBitsToDouble(previous);
        int trailing = 0;
        int significant = 64;
        for (int i = 1; i < n; i++) {
            checkNotPast(pos, end, i);
            long w = Bits.window(b, pos);
            if (w < 0) {
                if ((w << 1) < 0) {
                    int lz = (int) (w >>> 57) & 31;
                    int sig = (int) (w >>> 51) & 63;
                    significant = sig == 0 ? 64 : sig;
                    trailing = 64 - lz - significant;
                    previous ^= Bits.read(b, pos + 13, significant) << trailing;
                    pos += 13 + significant;
                } else if (significant <= 55) {
                    // Prefix and payload from the same window: one load.
                    previous ^= (((w << 2) >>> 1) >>> (63 - significant)) << trailing;
                    pos += 2 + significant;
                } else {
                    previous ^= Bits.read(b, pos + 2, significant) << trailing;
                    pos += 2 + significant;
                }
            } else {
                pos += 1;
            }
            out[i] = Double.longBitsToDouble(previous);
        }
        checkNotPast(pos, end, n);
        return pos;
    }

    /**
     * {@link ChunkFormat#VALUE_DECIMAL_RICE} after its exponent byte: fills {@code mantissas[0, n)} with the
     * absolute mantissas ({@link DecimalRice} has the code); returns the end bit.
     */
    static long riceMantissas(byte[] b, long pos, long end, long[] mantissas, int n) {
        checkNotPast(pos + 6, end, 0);
        int firstWidth = (int) Bits.read(b, pos, 6);
        long m = Zigzag.decode(Bits.read(b, pos + 6, firstWidth));
        pos += 6 + firstWidth;
        mantissas[0] = m;
        long s = 0;
        int next = 0;
        for (int i = 1; i < n; i++) {
            checkNotPast(pos, end, i);
            long w = Bits.window(b, pos);
            int q = Long.numberOfLeadingZeros(~w);
            int k = next;
            // The parameter lags a value behind the state, so computing it overlaps this value's decode.
            next = DecimalRice.parameter(s);
            long z;
            if (q < DecimalRice.ESCAPE) {
                int length = q + 1 + k;
                // Prefix and payload from the same window when they fit in its 57 data bits: one load.
                long low = length <= 57 ? w >>> (64 - length) : Bits.read(b, pos + q + 1, k);
                z = ((long) q << k) | (low & ((1L << k) - 1));
                pos += length;
                s = s + z - (s >>> 4);
            } else {
                int width = (int) ((w << DecimalRice.ESCAPE) >>> 58);
                z = Bits.read(b, pos + DecimalRice.ESCAPE + 6, width);
                pos += DecimalRice.ESCAPE + 6 + width;
                s = z << 4;
            }
            m += Zigzag.decode(z);
            mantissas[i] = m;
        }
        checkNotPast(pos, end, n);
        return pos;
    }

    /**
     * Turns decoded residuals into values: {@code mantissas[0]} and, for delta-of-delta, {@code mantissas[1]}
     * are already absolute; the rest hold zigzagged deltas (or delta-of-deltas) accumulated in place.
     */
    static void decimalValues(long[] mantissas, boolean isDeltaOfDelta, int exponent, double[] out, int n) {
        if (isDeltaOfDelta && n > 2) {
            long delta = mantissas[1] - mantissas[0];
            for (int i = 2; i < n; i++) {
                delta += Zigzag.decode(mantissas[i]);
                mantissas[i] = mantissas[i - 1] + delta;
            }
        } else if (!isDeltaOfDelta) {
            for (int i = 1; i < n; i++) {
                mantissas[i] = mantissas[i - 1] + Zigzag.decode(mantissas[i]);
            }
        }
        scaledValues(mantissas, exponent, out, n);
    }

    /** {@code out[i] = decode(mantissas[i], exponent)} for {@code i < n}, as {@link DecimalConverter#decode}. */
    static void scaledValues(long[] mantissas, int exponent, double[] out, int n) {
        double scale = DecimalConverter.scale(exponent);
        // Separate loops keep the divide (or multiply) free of the carried dependency above.
        if (exponent < 0) {
            for (int i = 0; i < n; i++) {
                out[i] = mantissas[i] / scale;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = mantissas[i] * scale;
            }
        }
    }

    static void checkNotPast(long pos, long end, int sample) {
        if (pos > end) {
            throw new IllegalArgumentException("column data ends before sample " + sample);
        }
    }
}
