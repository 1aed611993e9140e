package io.sightline.storage.logs;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trigram key to the pages holding it, while a segment is written: every (key, page) pair is appended to one
 * long array as it comes (pages arrive in increasing order), and at the end a stable two-pass radix sort by the
 * 24-bit key groups each key's pages, still ascending, for its bitmap. A 16M-slot table from key to a page list
 * cost a cache and TLB miss per pair (~70 ns; a third of a cut), and adding to RoaringBitmaps directly cost more.
 * Reused from segment to segment through {@link #clear()}. Not thread-safe.
 */
final class PagePostings {
    private static final int RADIX_BITS = 12;
    private static final int BUCKETS = 1 << RADIX_BITS;

    private static final int INITIAL_PAIRS = 1 << 16;

    /** {@code key << 32 | page}; empty until the first segment (a server that receives no logs does not hold it). */
    private long[] pairs = new long[0];
    private int n;

    void add(int key, int page) {
        if (n == pairs.length) {
            pairs = Arrays.copyOf(pairs, Math.max(INITIAL_PAIRS, n * 2));
        }
        pairs[n++] = (long) key << 32 | page;
    }

    /** The bitmaps by ascending key, run-optimised. */
    Map<Integer, RoaringBitmap> toBitmaps() {
        long[] tmp = new long[n];
        radixPass(pairs, tmp, 32);
        radixPass(tmp, pairs, 32 + RADIX_BITS);
        TreeMap<Integer, RoaringBitmap> out = new TreeMap<>();
        int[] pages = new int[64];
        int i = 0;
        while (i < n) {
            int key = (int) (pairs[i] >>> 32);
            int m = 0;
            while (i < n && (int) (pairs[i] >>> 32) == key) {
                if (m == pages.length) {
                    pages = Arrays.copyOf(pages, m * 2);
                }
                pages[m++] = (int) pairs[i++];
            }
            RoaringBitmap b = new RoaringBitmap();
            b.addN(pages, 0, m);
            b.runOptimize();
            out.put(key, b);
        }
        return out;
    }

    /** One stable counting-sort pass of {@code from[0, n)} into {@code to} by the 12 key bits at {@code shift}. */
    private void radixPass(long[] from, long[] to, int shift) {
        int[] start = new int[BUCKETS + 1];
        for (int i = 0; i < n; i++) {
            start[(int) (from[i] >>> shift) & (BUCKETS - 1)]++;
        }
        int sum = 0;
        for (int b = 0; b < BUCKETS; b++) {
            int c = start[b];
            start[b] = sum;
            sum += c;
        }
        for (int i = 0; i < n; i++) {
            long v = from[i];
            to[start[(int) (v >>> shift) & (BUCKETS - 1)]++] = v;
        }
    }

    /** Forgets every pair; the array stays for the next segment unless a big one left it over 32 MiB. */
    void clear() {
        n = 0;
        if (pairs.length > 1 << 22) {
            pairs = new long[INITIAL_PAIRS];
        }
    }
}
