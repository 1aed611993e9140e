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
    private int b1;
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
        b1 = 0;
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
                    b1 = y;
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
                w.writeByte(b1);
                w.writeByte(c);
            }
        }
    }

    /**
     * Reads and validates a spec from {@code b} at byte {@code offset}; returns the offset after it.
     * Throws IllegalArgumentException naming the bad field.
     */
    int readSpec(byte[] b, int offset) {
        kind = b[offset++] & 0xFF;
        a = 0;
        b1 = 0;
        switch (kind) {
            case FIXED -> c = checkWidth("c", b[offset++]);
            case TWO -> {
                a = checkWidth("a", b[offset++]);
                c = checkWidth("c", b[offset++]);
            }
            case THREE -> {
                a = checkWidth("a", b[offset++]);
                b1 = checkWidth("b", b[offset++]);
                c = checkWidth("c", b[offset++]);
            }
            default -> throw new IllegalArgumentException("packed layout kind " + kind + " is not 0, 1 or 2");
        }
        return offset;
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
                } else if (width <= b1) {
                    w.writeBits(0b10, 2);
                    w.writeBits(z, b1);
                } else {
                    w.writeBits(0b11, 2);
                    w.writeBits(z, c);
                }
            }
        }
    }

    /**
     * Decodes residuals {@code [from, to)} starting at bit {@code pos} into {@code out}, zigzag-decoded to
     * signed values; returns the end bit. One loop per layout kind, so the per-residual work is a load,
     * a sign test and two shifts.
     */
    long decode(byte[] buf, long pos, long end, long[] out, int from, int to) {
        int wa = a;
        int wb = b1;
        int wc = c;
        if (kind == FIXED) {
            ColumnDecoder.checkNotPast(pos + (long) wc * (to - from), end, to);
            if (wc == 0) {
                java.util.Arrays.fill(out, from, to, 0L);
                return pos;
            }
            for (int i = from; i < to; i++) {
                out[i] = Zigzag.decode(Bits.read(buf, pos, wc));
                pos += wc;
            }
            return pos;
        }
        boolean isWindowA = wa <= 56;
        boolean isWindowB = wb <= 55;
        boolean isTwo = kind == TWO;
        for (int i = from; i < to; i++) {
            ColumnDecoder.checkNotPast(pos, end, i);
            long w = Bits.window(buf, pos);
            long z;
            if (w >= 0) {
                // Class '0': the prefix bit is zero, so the top (1 + a) bits are the value.
                z = isWindowA ? w >>> (63 - wa) : Bits.read(buf, pos + 1, wa);
                pos += 1 + wa;
            } else if (isTwo) {
                z = Bits.read(buf, pos + 1, wc);
                pos += 1 + wc;
            } else if ((w << 1) >= 0) {
                z = isWindowB ? (w << 1) >>> (63 - wb) : Bits.read(buf, pos + 2, wb);
                pos += 2 + wb;
            } else {
                z = Bits.read(buf, pos + 2, wc);
                pos += 2 + wc;
            }
            out[i] = Zigzag.decode(z);
        }
        ColumnDecoder.checkNotPast(pos, end, to);
        return pos;
    }

    private static int checkWidth(String name, byte stored) {
        int width = stored & 0xFF;
        if (width > 64) {
            throw new IllegalArgumentException("packed layout width " + name + "=" + width + " exceeds 64");
        }
        return width;
    }
}
