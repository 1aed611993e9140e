package io.sightline.storage.logs;

import java.nio.charset.StandardCharsets;

/**
 * Body-token keys: every 3-byte window of a line's UTF-8 bytes, as a 24-bit int. A substring of at least
 * three bytes can only occur in a page that holds all of its trigrams, so whole-word and mid-word searches
 * alike skip pages without false negatives. Collects one page at a time into a reused 2 MiB bit set, allocated by
 * the first line (a server that receives no logs does not hold it). Not thread-safe.
 */
final class Trigrams {
    private long[] seen;
    private int[] touched = new int[1 << 12];
    private int count;

    void add(byte[] line) {
        if (line.length < 3) {
            return;
        }
        if (touched.length - count < line.length) {
            // At most one new key per byte: grown once here, so the loop below has no capacity check.
            touched = java.util.Arrays.copyOf(touched, Math.max(touched.length * 2, count + line.length));
        }
        long[] seen = this.seen;
        if (seen == null) {
            seen = this.seen = new long[1 << 18];
        }
        int[] touched = this.touched;
        int n = count;
        // A rolling key (one byte load per position instead of three); most windows repeat within a page, so the
        // branch below is rarely taken and predicts well.
        int key = (line[0] & 0xFF) << 8 | line[1] & 0xFF;
        for (int i = 2; i < line.length; i++) {
            key = (key << 8 | line[i] & 0xFF) & 0xFFFFFF;
            int word = key >>> 6;
            long bit = 1L << key;
            long w = seen[word];
            if ((w & bit) == 0) {
                seen[word] = w | bit;
                touched[n++] = key;
            }
        }
        count = n;
    }

    /** Distinct keys since the last {@link #clear()}, in {@code [0, count())} of {@link #keys()}. */
    int[] keys() {
        return touched;
    }

    int count() {
        return count;
    }

    void clear() {
        for (int i = 0; i < count; i++) {
            seen[touched[i] >>> 6] = 0;
        }
        count = 0;
    }

    /** The distinct keys of {@code needle}; empty when it is shorter than three bytes. */
    static int[] of(String needle) {
        byte[] b = needle.getBytes(StandardCharsets.UTF_8);
        if (b.length < 3) {
            return new int[0];
        }
        java.util.TreeSet<Integer> keys = new java.util.TreeSet<>();
        for (int i = 0; i + 2 < b.length; i++) {
            keys.add((b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | b[i + 2] & 0xFF);
        }
        return keys.stream().mapToInt(Integer::intValue).toArray();
    }
}
