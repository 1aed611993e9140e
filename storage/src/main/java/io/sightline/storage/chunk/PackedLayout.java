package io.sightline.storage.chunk;

/**
 * A per-chunk fitted bit-packing of unsigned (zigzag) residuals, used by sealed chunks for timestamp
 * delta-of-deltas and decimal value deltas. The encoder sees the whole chunk, so instead of fixed buckets it
 * picks, from the histogram of residual widths, the cheapest of:
 * <pre>
 *   FIXED  c            every residual in c bits (c == 0: no bits at all, e.g. perfectly regular scrapes)
 *   TWO    a, c         0 + a bits | 1 + c bits
 *   THREE  a, b, c      0 + a bits | 10 + b bits | 11 + c bits      (a &lt; b &lt; c)
 * </pre>
 * where c is the widest residual, so counter resets and gaps cost only where they occur. The spec is
 * stored as one kind byte and one byte per width. Mutable and reusable; not thread-safe.
 */
final class PackedLayout {
    static final int FIXED = 0;
    static final int TWO = 1;
    static final int THREE = 2;

    private final long[] cumulative = new long[65];
    private int kind;
    private int a;
    private int b;
    private int c;
    private long costBits;

    /** Fits the layout to {@code zz[from, to)} and returns its total cost in bits, spec included. */
    long fit(long[] zz, int from, int to) {
        java.util.Arrays.fill(cumulative, 0);
        int maxWidth = 0;
        for (int i = from; i < to; i++) {
            int w = Zigzag.width(zz[i]);
            cumulative[w]++;
            maxWidth = Math.max(maxWidth, w);
        }
        for (int w = 1; w <= 64; w++) {
            cumulative[w] += cumulative[w - 1];
        }
        long n = to - from;
        kind = FIXED;
        c = maxWidth;
        a = 0;
        b = 0;
        costBits = 16 + n * maxWidth;
        for (int x = 0; x < maxWidth; x++) {
            long two = 24 + cumulative[x] * (1 + x) + (n - cumulative[x]) * (1 + maxWidth);
            if (two < costBits) {
                costBits = two;
                kind = TWO;
                a = x;
            }
            for (int y = x + 1; y < maxWidth; y++) {
                long three = 32 + cumulative[x] * (1 + x) + (cumulative[y] - cumulative[x]) * (2 + y)
                        + (n - cumulative[y]) * (2 + maxWidth);
                if (three < costBits) {
                    costBits = three;
                    kind = THREE;
                    a = x;
                    b = y;
                }
            }
        }
        return costBits;
    }

    long costBits() {
        return costBits;
    }

    void writeSpec(BitWriter w) {
        w.writeByte(kind);
        switch (kind) {
            case FIXED -> w.writeByte(c);
            case TWO -> {
                w.writeByte(a);
                w.writeByte(c);
            }
            default -> {
                w.writeByte(a);
                w.writeByte(b);
                w.writeByte(c);
            }
        }
    }

    /** Reads and validates a spec; throws IllegalArgumentException naming the bad field. */
    void readSpec(BitReader r) {
        kind = r.readByte();
        switch (kind) {
            case FIXED -> {
                a = 0;
                b = 0;
                c = checkWidth("c", r.readByte());
            }
            case TWO -> {
                a = checkWidth("a", r.readByte());
                b = 0;
                c = checkWidth("c", r.readByte());
            }
            case THREE -> {
                a = checkWidth("a", r.readByte());
                b = checkWidth("b", r.readByte());
                c = checkWidth("c", r.readByte());
            }
            default -> throw new IllegalArgumentException("packed layout kind " + kind + " is not 0, 1 or 2");
        }
    }

    void write(BitWriter w, long z) {
        switch (kind) {
            case FIXED -> w.writeBits(z, c);
            case TWO -> {
                if (Zigzag.width(z) <= a) {
                    w.writeBits(z, 1 + a); // the 0 prefix is the zero bit above z
                } else {
                    w.writeBits(1, 1);
                    w.writeBits(z, c);
                }
            }
            default -> {
                int width = Zigzag.width(z);
                if (width <= a) {
                    w.writeBits(z, 1 + a);
                } else if (width <= b) {
                    w.writeBits(0b10, 2);
                    w.writeBits(z, b);
                } else {
                    w.writeBits(0b11, 2);
                    w.writeBits(z, c);
                }
            }
        }
    }

    long read(BitReader r) {
        if (kind == FIXED) {
            return r.readBits(c);
        }
        long win = r.peek();
        if (win >= 0) {
            // Class '0': the prefix bit is zero, so the top (1 + a) bits are the value.
            if (a <= 56) {
                r.skip(1 + a);
                return win >>> (63 - a);
            }
            r.skip(1);
            return r.readBits(a);
        }
        if (kind == TWO) {
            r.skip(1);
            return r.readBits(c);
        }
        if ((win << 1) >= 0) {
            if (b <= 55) {
                r.skip(2 + b);
                return (win << 1) >>> (63 - b);
            }
            r.skip(2);
            return r.readBits(b);
        }
        r.skip(2);
        return r.readBits(c);
    }

    private static int checkWidth(String name, int width) {
        if (width > 64) {
            throw new IllegalArgumentException("packed layout width " + name + "=" + width + " exceeds 64");
        }
        return width;
    }
}
