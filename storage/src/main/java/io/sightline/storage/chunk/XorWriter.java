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

    /** Loads this writer's state; see {@link HeadChunk#touch()}. */
    int touch() {
        return leading;
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
        int lz = Math.min(Long.numberOfLeadingZeros(xor), 31);
        int tz = Long.numberOfTrailingZeros(xor);
        if (leading >= 0 && lz >= leading && tz >= trailing) {
            int significant = 64 - leading - trailing;
            if (significant <= 54) {
                return BitWriter.put(buf, bitPos, (0b10L << significant) | (xor >>> trailing), 2 + significant);
            }
            bitPos = BitWriter.put(buf, bitPos, 0b10, 2);
            return BitWriter.put(buf, bitPos, xor >>> trailing, significant);
        }
        leading = lz;
        trailing = tz;
        int significant = 64 - lz - tz;
        bitPos = BitWriter.put(buf, bitPos, (0b11L << 11) | ((long) lz << 6) | (significant & 63), 13);
        return BitWriter.put(buf, bitPos, xor >>> tz, significant);
    }
}
