package io.sightline.ingest.otlp;

import java.math.BigDecimal;

/**
 * Formats floats for label values ({@code le}, {@code quantile}, double attributes) the way Prometheus's
 * translator does: the shortest decimal that round-trips, never in exponent form ({@code 1}, {@code 0.005},
 * {@code 100000000000000000000}), and {@code +Inf}, {@code -Inf}, {@code NaN}.
 *
 * <p>Bucket bounds repeat in every request, so formatted strings sit in a small direct-mapped cache that
 * readers use without locks: an entry is immutable and published by a plain array write, so a racing
 * reader sees either a whole entry or a miss. Thread-safe.
 */
public final class FloatLabels {
    private static final int SLOTS = 4096;
    private static final Entry[] CACHE = new Entry[SLOTS];

    private record Entry(long bits, String text) {
    }

    private FloatLabels() {
    }

    /** The label text for {@code v}. Allocates only on a cache miss. */
    public static String format(double v) {
        long bits = Double.doubleToLongBits(v);
        int slot = (int) ((bits ^ (bits >>> 29) ^ (bits >>> 41)) & (SLOTS - 1));
        Entry e = CACHE[slot];
        if (e != null && e.bits == bits) {
            return e.text;
        }
        String text = formatUncached(v);
        CACHE[slot] = new Entry(bits, text);
        return text;
    }

    static String formatUncached(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        // BigDecimal.valueOf goes through Double.toString, which is the shortest round-trip form (JDK 19+).
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
