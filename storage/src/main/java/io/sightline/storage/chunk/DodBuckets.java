package io.sightline.storage.chunk;

/**
 * The appendable timestamp code: delta-of-delta with fixed prefix buckets, in the spirit of Gorilla and
 * Prometheus's XOR chunk (which uses 14/17/20/64-bit buckets). Ours are sized for millisecond timestamps:
 * <pre>
 *   0                      dod == 0                     (regular scrapes: 1 bit)
 *   10   + 10 bits         -512 ..      511 ms          (scrape jitter)
 *   110  + 16 bits         ±32 s                        (missed scrapes, interval changes)
 *   1110 + 24 bits         ±2.3 h
 *   1111 + 64 bits         anything else
 * </pre>
 * Payloads are two's complement. Used by head chunks, where the code must be fixed before the data is
 * seen; the decoder is {@link ColumnDecoder#bucketedTimestamps}; sealed chunks use {@link PackedLayout}, which fits its buckets to the data.
 */
final class DodBuckets {
    /** Longest code: a 4-bit prefix and 64 bits. */
    static final int MAX_BITS = 68;

    private DodBuckets() {
    }

    /**
     * Writes the code of {@code dod} at bit {@code bitPos} of {@code buf} (which must hold
     * {@link BitWriter#SPARE_BYTES} from there on) and returns the bit position after it.
     */
    static long write(byte[] buf, long bitPos, long dod) {
        if (dod == 0) {
            return bitPos + 1; // a 0 bit: the array is zero past bitPos
        } else if (fits(dod, 10)) {
            return BitWriter.put(buf, bitPos, (0b10L << 10) | (dod & 0x3FFL), 12);
        } else if (fits(dod, 16)) {
            return BitWriter.put(buf, bitPos, (0b110L << 16) | (dod & 0xFFFFL), 19);
        } else if (fits(dod, 24)) {
            return BitWriter.put(buf, bitPos, (0b1110L << 24) | (dod & 0xFFFFFFL), 28);
        }
        bitPos = BitWriter.put(buf, bitPos, 0b1111, 4);
        return BitWriter.put(buf, bitPos, dod, 64);
    }

    /** Bits the code of {@code dod} takes: what {@link #write} will add to the position. */
    static int bits(long dod) {
        if (dod == 0) {
            return 1;
        } else if (fits(dod, 10)) {
            return 12;
        } else if (fits(dod, 16)) {
            return 19;
        }
        return fits(dod, 24) ? 28 : MAX_BITS;
    }

    private static boolean fits(long v, int bits) {
        long half = 1L << (bits - 1);
        return v >= -half && v < half;
    }
}
