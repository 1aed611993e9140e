package io.sightline.storage.chunk;

/** Decoder state for {@link XorWriter}'s format; reset per chunk, no allocation. */
final class XorReader {
    private long previous;
    private int trailing;
    private int significant;

    void reset() {
        previous = 0;
        trailing = 0;
        significant = 64;
    }

    long readFirst(BitReader r) {
        previous = r.readBits(64);
        return previous;
    }

    long readNext(BitReader r) {
        long win = r.peek();
        if (win >= 0) {
            r.skip(1);
            return previous;
        }
        if ((win << 1) < 0) {
            int lz = (int) (win >>> 57) & 31;
            int sig = (int) (win >>> 51) & 63;
            significant = sig == 0 ? 64 : sig;
            trailing = 64 - lz - significant;
            r.skip(13);
        } else if (significant <= 55) {
            // Prefix and payload come from the same 64-bit window: one load.
            r.skip(2 + significant);
            previous ^= (((win << 2) >>> 1) >>> (63 - significant)) << trailing;
            return previous;
        } else {
            r.skip(2);
        }
        previous ^= r.readBits(significant) << trailing;
        return previous;
    }
}
