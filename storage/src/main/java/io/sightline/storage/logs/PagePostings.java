package io.sightline.storage.logs;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trigram key to the pages holding it, while a segment is written: page ids arrive in increasing order, so
 * each key appends to a plain int list (a 16M-slot index by key, lists allocated on first use), and the
 * bitmaps are built once at the end. Adding to RoaringBitmaps directly cost most of a cut. Not thread-safe.
 */
final class PagePostings {
    private final int[] slotOfKey = new int[1 << 24];
    private int[][] lists = new int[1 << 12][];
    private int[] sizes = new int[1 << 12];
    private int slots;

    PagePostings() {
        Arrays.fill(slotOfKey, -1);
    }

    void add(int key, int page) {
        int slot = slotOfKey[key];
        if (slot < 0) {
            if (slots == lists.length) {
                lists = Arrays.copyOf(lists, slots * 2);
                sizes = Arrays.copyOf(sizes, slots * 2);
            }
            slot = slots++;
            slotOfKey[key] = slot;
            lists[slot] = new int[4];
        }
        int[] list = lists[slot];
        int n = sizes[slot];
        if (n > 0 && list[n - 1] == page) {
            return;
        }
        if (n == list.length) {
            list = Arrays.copyOf(list, n * 2);
            lists[slot] = list;
        }
        list[n] = page;
        sizes[slot] = n + 1;
    }

    /** The bitmaps by ascending key, run-optimised. */
    Map<Integer, RoaringBitmap> toBitmaps() {
        TreeMap<Integer, RoaringBitmap> out = new TreeMap<>();
        for (int key = 0; key < slotOfKey.length; key++) {
            int slot = slotOfKey[key];
            if (slot >= 0) {
                RoaringBitmap b = RoaringBitmap.bitmapOf(Arrays.copyOf(lists[slot], sizes[slot]));
                b.runOptimize();
                out.put(key, b);
            }
        }
        return out;
    }
}
