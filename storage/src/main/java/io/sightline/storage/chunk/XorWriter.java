package io.sightline.storage.chunk;

/**
 * Gorilla XOR value encoder with its running state, so one append is O(1):
 * <pre>
 *   first value           64 raw bits
 *   xor == 0              0
 *   fits previous window  10 + (64 - leading - trailing) meaningful bits
 *   new window            11 + 5 bits leading zeros + 6 bits length (64 stored as 0) + meaningful bits
 * </pre>
 * Works on raw bits, so NaN payloads, stale markers, -0.0 and subnormals round-trip exactly.
 */
final class XorWriter {
    private long previous;
    private int leading;
    private int trailing;
    private boolean isFirst = true;

    void reset() {
        isFirst = true;
        leading = -1;
        trailing = 0;
    }

    /**
     * Writes the code of {@code v} at bit {@code bitPos} of {@code buf} (which must hold
     * {@link BitWriter#SPARE_BYTES} from there on) and returns the bit position after it.
     */
    long append(byte[] buf, long bitPos, double v) {
        long bits = Double.doubleToRawLongBits(v);
        if (isFirst) {
            isFirst = false;
            leading = -1;
            previous = bits;
            return BitWriter.put(buf, bitPos, bits, 64);
        }
        long xor = bits ^ previous;
        previous = bits;
        if (xor == 0) {
            return bitPos + 1; // a 0 bit: the array is zero past bitPos
        }
        int lz = leadingOf(xor);
        int tz = Long.numberOfTrailingZeros(xor);
        if (isInWindow(lz, tz, leading, trailing)) {
            return putInWindow(buf, bitPos, xor, leading, trailing);
        }
        leading = lz;
        trailing = tz;
        return putNewWindow(buf, bitPos, xor, lz, tz);
    }

    /** Leading zeros of a non-zero xor as the code stores them (5 bits). */
    static int leadingOf(long xor) {
        return Math.min(Long.numberOfLeadingZeros(xor), 31);
    }

    /** Whether an xor with {@code lz} and {@code tz} fits the window {@code leading, trailing} (none: leading < 0). */
    static boolean isInWindow(int lz, int tz, int leading, int trailing) {
        return leading >= 0 && lz >= leading && tz >= trailing;
    }

    /**
     * Writes the code of a non-zero {@code xor} that fits the previous window; the writers that keep their
     * state in fields of their own ({@link HeadChunk}) share this and {@link #putNewWindow} with this class.
     */
    static long putInWindow(byte[] buf, long bitPos, long xor, int leading, int trailing) {
        int significant = 64 - leading - trailing;
        if (significant <= 54) {
            return BitWriter.put(buf, bitPos, (0b10L << significant) | (xor >>> trailing), 2 + significant);
        }
        bitPos = BitWriter.put(buf, bitPos, 0b10, 2);
        return BitWriter.put(buf, bitPos, xor >>> trailing, significant);
    }

    /** Writes the code of a non-zero {@code xor} with a new window of {@code lz} leading and {@code tz} trailing zeros. */
    static long putNewWindow(byte[] buf, long bitPos, long xor, int lz, int tz) {
        int significant = 64 - lz - tz;
        bitPos = BitWriter.put(buf, bitPos, (0b11L << 11) | ((long) lz << 6) | (significant & 63), 13);
        return BitWriter.put(buf, bitPos, xor >>> tz, significant);
    }
}
