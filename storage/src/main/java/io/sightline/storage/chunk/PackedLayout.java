package io.sightline.storage.chunk;

import java.util.Arrays;

/**
 * A per-chunk fitted bit-packing of unsigned (zigzag) residuals, used by sealed chunks for timestamp
 * delta-of-deltas and decimal value deltas. The encoder sees the whole chunk, so instead of fixed buckets
 * it picks the cheapest of these codes for it (c is always the width of the widest residual, so counter
 * resets and gaps cost only where they occur):
 * <pre>
 *   FIXED  c        every residual in c bits (c == 0: no bits at all, e.g. perfectly regular scrapes)
 *   TWO    a c      0 + a bits | 1 + c bits
 *   THREE  a b c    0 + a bits | 10 + b bits | 11 + c bits
 *   RICE   k c      q = z >>> k below 16: q zero bits, a one bit, the low k bits of z;
 *                   otherwise 16 zero bits and z in c bits
 * </pre>
 * The bucket codes suit flat distributions (jitter, uniform increments); Rice suits the peaked ones of
 * noisy counters and random-walk gauges, where it saves ~0.5 bit per sample over three buckets. The spec is
 * one kind byte and one byte per parameter. Mutable and reusable; not thread-safe.
 */
final class PackedLayout {
    static final int FIXED = 0;
    static final int TWO = 1;
    static final int THREE = 2;
    static final int RICE = 3;
    /** Unary quotients of this many zero bits escape to a raw c-bit residual. */
    static final int RICE_ESCAPE = 16;
    private static final int MAX_RICE_K = 56;

    private final long[] cumulative = new long[65];
    private final int[] candidates = new int[65];
    private int kind;
    private int a;
    private int b;
    private int c;

    /** Fits the layout to {@code zz[from, to)} and returns its total cost in bits, spec included. */
    long fit(long[] zz, int from, int to) {
        long[] cum = cumulative;
        Arrays.fill(cum, 0);
        int maxWidth = 0;
        for (int i = from; i < to; i++) {
            int w = Zigzag.width(zz[i]);
            cum[w]++;
            maxWidth = Math.max(maxWidth, w);
        }
        // A class width where no residual lies is never optimal (a narrower one holds the same residuals),
        // so candidate widths are the occurring ones below the widest: typically a handful, not 64.
        int[] widths = candidates;
        int candidateCount = 0;
        for (int w = 0; w < maxWidth; w++) {
            if (cum[w] != 0) {
                widths[candidateCount++] = w;
            }
        }
        for (int w = 1; w <= 64; w++) {
            cum[w] += cum[w - 1];
        }
        long n = to - from;
        kind = FIXED;
        c = maxWidth;
        a = 0;
        b = 0;
        long best = 16 + n * maxWidth;
        for (int i = 0; i < candidateCount; i++) {
            int x = widths[i];
            long costA = cum[x] * (1 + x);
            long two = 24 + costA + (n - cum[x]) * (1 + maxWidth);
            if (two < best) {
                best = two;
                kind = TWO;
                a = x;
            }
            for (int j = i + 1; j < candidateCount; j++) {
                int y = widths[j];
                long three = 32 + costA + (cum[y] - cum[x]) * (2 + y) + (n - cum[y]) * (2 + maxWidth);
                if (three < best) {
                    best = three;
                    kind = THREE;
                    a = x;
                    b = y;
                }
            }
        }
        if (maxWidth > 1 && n > 0) {
            // The best Rice parameter is near the median width (a mean would follow the outliers); try a few.
            int median = 0;
            while (cum[median] * 2 < n) {
                median++;
            }
            for (int k = Math.max(0, median - 2); k <= Math.min(Math.min(median + 1, maxWidth), MAX_RICE_K); k++) {
                long rice = 24;
                for (int i = from; i < to && rice < best; i++) {
                    long q = zz[i] >>> k; // unsigned: k == 0 leaves 64-bit residuals "negative"
                    rice += Long.compareUnsigned(q, RICE_ESCAPE) < 0 ? q + 1 + k : RICE_ESCAPE + maxWidth;
                }
                if (rice < best) {
                    best = rice;
                    kind = RICE;
                    a = k;
                    b = 0;
                }
            }
        }
        return best;
    }

    int kind() {
        return kind;
    }

    /** Sets the layout directly (tests reach every branch with it); {@link #fit} is the normal way. */
    PackedLayout force(int kind, int a, int b, int c) {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.c = c;
        return this;
    }

    void writeSpec(BitWriter w) {
        w.writeByte(kind);
        switch (kind) {
            case FIXED -> w.writeByte(c);
            case TWO, RICE -> {
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

    /**
     * Reads and validates a spec from {@code buf} at byte {@code offset}; returns the offset after it.
     * Throws IllegalArgumentException naming the bad field.
     */
    int readSpec(byte[] buf, int offset) {
        kind = buf[offset++] & 0xFF;
        a = 0;
        b = 0;
        switch (kind) {
            case FIXED -> c = checkWidth("c", buf[offset++], 64);
            case TWO -> {
                a = checkWidth("a", buf[offset++], 64);
                c = checkWidth("c", buf[offset++], 64);
            }
            case THREE -> {
                a = checkWidth("a", buf[offset++], 64);
                b = checkWidth("b", buf[offset++], 64);
                c = checkWidth("c", buf[offset++], 64);
            }
            case RICE -> {
                a = checkWidth("k", buf[offset++], MAX_RICE_K);
                c = checkWidth("c", buf[offset++], 64);
            }
            default -> throw new IllegalArgumentException("packed layout kind " + kind + " is not 0, 1, 2 or 3");
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
            case THREE -> {
                int width = Zigzag.width(z);
                if (width <= a) {
                    w.writeBits(z, 1 + a);
                } else if (width <= b) {
                    if (b <= 54) {
                        w.writeBits((0b10L << b) | z, 2 + b);
                    } else {
                        w.writeBits(0b10, 2);
                        w.writeBits(z, b);
                    }
                } else {
                    w.writeBits(0b11, 2);
                    w.writeBits(z, c);
                }
            }
            default -> {
                long q = z >>> a;
                if (Long.compareUnsigned(q, RICE_ESCAPE) < 0) {
                    int n = (int) q + 1 + a;
                    if (n <= 56) {
                        // q zero bits, a one bit, the low a bits: one write of a (1 + a)-bit value in n bits.
                        w.writeBits((1L << a) | (z & ((1L << a) - 1)), n);
                    } else {
                        w.writeBits(0, (int) q);
                        w.writeBits(1, 1);
                        w.writeBits(z, a);
                    }
                } else {
                    w.writeBits(0, RICE_ESCAPE);
                    w.writeBits(z, c);
                }
            }
        }
    }

    /**
     * Decodes residuals {@code [from, to)} starting at bit {@code pos} into {@code out} as stored (callers
     * zigzag-decode them inside their accumulation loops); returns the end bit. One loop per layout kind, so the per-residual work is a load,
     * a test or a leading-zero count, and a few shifts.
     */
    long decode(byte[] buf, long pos, long end, long[] out, int from, int to) {
        return switch (kind) {
            case FIXED -> decodeFixed(buf, pos, end, out, from, to);
            case RICE -> decodeRice(buf, pos, end, out, from, to);
            default -> decodeBuckets(buf, pos, end, out, from, to);
        };
    }

    private long decodeFixed(byte[] buf, long pos, long end, long[] out, int from, int to) {
        int wc = c;
        ColumnDecoder.checkNotPast(pos + (long) wc * (to - from), end, to);
        if (wc == 0) {
            Arrays.fill(out, from, to, 0L);
            return pos;
        }
        for (int i = from; i < to; i++) {
            out[i] = Bits.read(buf, pos, wc);
            pos += wc;
        }
        return pos;
    }

    private long decodeBuckets(byte[] buf, long pos, long end, long[] out, int from, int to) {
        int wa = a;
        int wb = b;
        int wc = c;
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
            out[i] = z;
        }
        ColumnDecoder.checkNotPast(pos, end, to);
        return pos;
    }

    private long decodeRice(byte[] buf, long pos, long end, long[] out, int from, int to) {
        int k = a;
        int wc = c;
        for (int i = from; i < to; i++) {
            ColumnDecoder.checkNotPast(pos, end, i);
            long w = Bits.window(buf, pos);
            int q = Long.numberOfLeadingZeros(w);
            long z;
            if (q < RICE_ESCAPE) {
                int used = q + 1;
                if (used + k <= 57) {
                    z = ((long) q << k) | (((w << used) >>> 1) >>> (63 - k));
                } else {
                    z = ((long) q << k) | Bits.read(buf, pos + used, k);
                }
                pos += used + k;
            } else {
                z = Bits.read(buf, pos + RICE_ESCAPE, wc);
                pos += RICE_ESCAPE + wc;
            }
            out[i] = z;
        }
        ColumnDecoder.checkNotPast(pos, end, to);
        return pos;
    }

    private static int checkWidth(String name, byte stored, int max) {
        int width = stored & 0xFF;
        if (width > max) {
            throw new IllegalArgumentException("packed layout parameter " + name + "=" + width + " exceeds " + max);
        }
        return width;
    }
}
