package io.sightline.storage.chunk;

/** Zigzag mapping of signed to unsigned longs, so small magnitudes of either sign get few bits. */
final class Zigzag {
    private Zigzag() {
    }

    static long encode(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long decode(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    /** Number of significant bits of an unsigned value: 0 for 0, 64 for negative longs. */
    static int width(long z) {
        return 64 - Long.numberOfLeadingZeros(z);
    }
}
