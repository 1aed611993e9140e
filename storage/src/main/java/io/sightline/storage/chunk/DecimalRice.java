package io.sightline.storage.chunk;

/**
 * The appendable decimal value code, {@link ChunkFormat#VALUE_DECIMAL_RICE}: each value is a scaled integer
 * mantissa {@code m} with the chunk's exponent {@code e} ({@code value == decode(m, e)} bit for bit, see
 * {@link DecimalConverter#decode}), and the mantissas' zigzagged deltas are Rice-coded with a parameter that
 * adapts to the deltas seen so far, so nothing about the data needs to be known before it is written:
 * <pre>
 *   column   = exponent (1 signed byte), then a bit stream:
 *   first    6 bits width w, then zigzag(m0) in w bits
 *   each     z = zigzag(m[i] - m[i-1]), k = parameter(s before the previous value's update), q = z >>> k:
 *            q < 20:  q one bits, a zero bit, the low k bits of z
 *            else:    20 one bits, 6 bits width w, z in w bits
 *            then s = escaped ? z << 4 : s + z - (s >>> 4)   (s starts at 0, and k at 0 for values 1 and 2)
 * </pre>
 * {@code s} is sixteen times a running mean of z, and {@code k = min(56, bitLength(s >>> 5))} is about
 * {@code log2(mean)}, near the best Rice parameter for the geometric-like deltas of gauges and counters; an
 * escape (a counter reset, a first delta) resets the mean to the outlier so later codes are not long too.
 * The parameter lags one value behind the state, so that a decoder computes it while the previous value's
 * code is still being read instead of waiting for it (the two chains would otherwise serialise).
 * A constant series costs 1 bit per sample, a temperature in hundredths ~10, where Gorilla XOR needs ~50.
 * Writer ({@link HeadChunk}) and reader ({@link ColumnDecoder#riceMantissas}) share these functions.
 */
final class DecimalRice {
    /** Unary length at which a code escapes to an explicit width. */
    static final int ESCAPE = 20;
    /** Largest exponent magnitude (fraction digits) a head chunk uses; also the first byte's lower bound. */
    static final int MAX_FRACTION_DIGITS = DecimalConverter.MAX_FRACTION_DIGITS;
    /** Largest mantissa magnitude: within it, mantissa and power of ten are exact doubles. */
    static final long MAX_MANTISSA = 1L << 53;

    private DecimalRice() {
    }

    /** The Rice parameter for state {@code s}. */
    static int parameter(long s) {
        return Math.min(56, 64 - Long.numberOfLeadingZeros(s >>> 5));
    }

    /** The state after coding {@code z} with parameter {@code k}. */
    static long adapt(long s, long z, int k) {
        return (z >>> k) >= ESCAPE ? z << 4 : s + z - (s >>> 4);
    }

    /**
     * Writes the first mantissa at bit {@code pos} of {@code buf} (zero from there on, with
     * {@link BitWriter#SPARE_BYTES} of room) and returns the bit position after it.
     */
    static long writeFirst(byte[] buf, long pos, long mantissa) {
        long z = Zigzag.encode(mantissa);
        int width = 64 - Long.numberOfLeadingZeros(z);
        pos = BitWriter.put(buf, pos, width, 6);
        return BitWriter.put(buf, pos, z, width);
    }

    /** Bits the code of {@code z} with parameter {@code k} takes: what {@link #write} will add to the position. */
    static int bits(long z, int k) {
        long q = z >>> k;
        return q < ESCAPE ? (int) q + 1 + k : ESCAPE + 6 + 64 - Long.numberOfLeadingZeros(z);
    }

    /** Writes the code of {@code z} with parameter {@code k}; as {@link #writeFirst} otherwise. */
    static long write(byte[] buf, long pos, long z, int k) {
        long q = z >>> k;
        if (q >= ESCAPE) {
            int width = 64 - Long.numberOfLeadingZeros(z);
            pos = BitWriter.put(buf, pos, (((1L << ESCAPE) - 1) << 6) | width, ESCAPE + 6);
            return BitWriter.put(buf, pos, z, width);
        }
        int unary = (int) q + 1;
        if (k <= 40) { // one write: at most 20 + 40 bits
            return BitWriter.put(buf, pos, (((1L << q) - 1) << (k + 1)) | (z & ((1L << k) - 1)), unary + k);
        }
        pos = BitWriter.put(buf, pos, ((1L << q) - 1) << 1, unary);
        return BitWriter.put(buf, pos, z, k);
    }

    /**
     * The mantissa of {@code v} at exponent {@code -digits} ({@code 0 <= digits <= 15}), or
     * {@link Long#MIN_VALUE} when {@code v} is not exactly that decimal within {@link #MAX_MANTISSA}
     * (NaN, infinities, -0.0 and more digits all fail the bit comparison).
     */
    static long mantissa(double v, int digits) {
        double scale = DecimalConverter.scale(-digits);
        long m = (long) Math.rint(v * scale);
        if (Double.doubleToRawLongBits(m / scale) != Double.doubleToRawLongBits(v)
                || m > MAX_MANTISSA || m < -MAX_MANTISSA) {
            return Long.MIN_VALUE;
        }
        return m;
    }

    /** The fewest fraction digits {@code >= from} at which {@code v} is a decimal, or -1. */
    static int digitsOf(double v, int from) {
        for (int d = from; d <= MAX_FRACTION_DIGITS; d++) {
            if (mantissa(v, d) != Long.MIN_VALUE) {
                return d;
            }
            if (!(Math.abs(v * DecimalConverter.scale(-d)) < MAX_MANTISSA)) {
                return -1; // more digits only make the mantissa larger (or v is NaN)
            }
        }
        return -1;
    }
}
