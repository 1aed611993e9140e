package io.sightline.storage.chunk;

/**
 * Converts a chunk's values to scaled longs with one common decimal exponent, VictoriaMetrics style:
 * {@code value == decode(mantissa, exponent)} bit for bit, or the chunk is not decimal.
 *
 * <p>Exactness argument: a mantissa {@code m} with {@code |m| <= 2^53} and a power {@code 10^k} with
 * {@code k <= 22} are exact doubles, so {@code m / 10^k} and {@code m * 10^k} are the correctly rounded
 * decimal {@code m·10^∓k}. The encoder nevertheless decodes every value with {@link #decode} and
 * compares raw bits before it chooses this codec, so NaN, infinities, -0.0, subnormals and anything the
 * search misses fall back to XOR.
 */
final class DecimalConverter {
    static final int NOT_DECIMAL = Integer.MIN_VALUE;
    /** Most fraction digits tried per value; more than any gauge with "few significant digits" has. */
    static final int MAX_FRACTION_DIGITS = 15;
    /** Largest exponent: trailing zeros stripped from integers (1000 -> 1e3). */
    static final int MAX_EXPONENT = 18;

    private static final long MAX_EXACT = 1L << 53;
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };
    static final long[] POW10_LONG = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L
    };

    private DecimalConverter() {
    }

    /**
     * Fills {@code mantissas[0, n)} and returns the common exponent, or {@link #NOT_DECIMAL}.
     * {@code exponents} is scratch of at least {@code n} entries.
     */
    static int convert(double[] values, int n, long[] mantissas, int[] exponents) {
        int common = Integer.MAX_VALUE;
        int hint = 0;
        for (int i = 0; i < n; i++) {
            double v = values[i];
            // Neighbours share their number of decimals: try the last one first (one divide, not k + 1).
            if (!toDecimal(v, hint, mantissas, exponents, i) && !toDecimal(v, 0, mantissas, exponents, i)) {
                return NOT_DECIMAL;
            }
            if (mantissas[i] != 0) {
                hint = Math.max(0, -exponents[i]);
            }
            if (mantissas[i] != 0) {
                common = Math.min(common, exponents[i]);
            }
        }
        if (common == Integer.MAX_VALUE) {
            common = 0; // all zeros
        }
        for (int i = 0; i < n; i++) {
            long m = mantissas[i];
            if (m != 0) {
                int shift = exponents[i] - common;
                if (shift >= POW10_LONG.length) {
                    return NOT_DECIMAL;
                }
                long scale = POW10_LONG[shift];
                if (Math.abs(m) > MAX_EXACT / scale) {
                    return NOT_DECIMAL;
                }
                m *= scale;
                mantissas[i] = m;
            }
            if (Double.doubleToRawLongBits(decode(m, common)) != Double.doubleToRawLongBits(values[i])) {
                return NOT_DECIMAL;
            }
        }
        return common;
    }

    /**
     * What {@link #convert} returns for values already known as {@code mantissas[0, n)} at {@code exponent}
     * (a decimal chunk's): the common trailing zeros of the non-zero mantissas move into the exponent (up to
     * {@link #MAX_EXPONENT}). Every value is checked against its decoded form; {@link #NOT_DECIMAL} (and the
     * mantissas unchanged) when one differs, so the caller can fall back to {@link #convert}.
     */
    static int normalize(double[] values, int n, long[] mantissas, int exponent) {
        long all = 0;
        for (int i = 0; i < n; i++) {
            all |= mantissas[i];
        }
        if (all == 0) {
            exponent = 0; // all zeros, as convert
        }
        int zeros = 0;
        boolean isDivisible = all != 0;
        while (isDivisible && exponent + zeros < MAX_EXPONENT) {
            long scale = POW10_LONG[zeros + 1];
            for (int i = 0; i < n && isDivisible; i++) {
                isDivisible = mantissas[i] % scale == 0;
            }
            if (isDivisible) {
                zeros++;
            }
        }
        int common = exponent + zeros;
        long scale = POW10_LONG[zeros];
        for (int i = 0; i < n; i++) {
            if (Double.doubleToRawLongBits(decode(mantissas[i] / scale, common))
                    != Double.doubleToRawLongBits(values[i])) {
                return NOT_DECIMAL;
            }
        }
        if (zeros > 0) {
            for (int i = 0; i < n; i++) {
                mantissas[i] /= scale;
            }
        }
        return common;
    }

    static double decode(long mantissa, int exponent) {
        return exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
    }

    /** The multiplier (exponent >= 0) or divisor (exponent < 0) that {@link #decode} applies. */
    static double scale(int exponent) {
        return POW10[Math.abs(exponent)];
    }

    /**
     * Finds {@code v == m / 10^k} with the fewest fraction digits {@code k >= firstK}; integers (k == 0)
     * get their trailing zeros stripped into a positive exponent. A representation with more digits than
     * needed is harmless when {@code firstK} came from a neighbour: the common exponent is the minimum.
     */
    private static boolean toDecimal(double v, int firstK, long[] mantissas, int[] exponents, int i) {
        if (v == 0) {
            mantissas[i] = 0;
            exponents[i] = 0;
            return Double.doubleToRawLongBits(v) == 0; // -0.0 is not a decimal
        }
        if (!Double.isFinite(v)) {
            return false;
        }
        for (int k = firstK; k <= MAX_FRACTION_DIGITS; k++) {
            double scaled = v * POW10[k];
            if (Math.abs(scaled) >= MAX_EXACT) {
                return false;
            }
            long m = Math.round(scaled);
            if (m != 0 && (k == 0 ? (double) m == v : m / POW10[k] == v)) {
                int e = -k;
                if (k == 0) {
                    while (m % 10 == 0 && e < MAX_EXPONENT) {
                        m /= 10;
                        e++;
                    }
                }
                mantissas[i] = m;
                exponents[i] = e;
                return true;
            }
        }
        return false;
    }
}
