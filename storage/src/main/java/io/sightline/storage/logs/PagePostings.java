package io.sightline.storage.logs;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trigram key to the pages holding it, while a segment is written: page ids arrive in increasing order, so
 * each key appends to a plain int list (a 16M-slot index by key, lists allocated on first use), and the
 * bitmaps are built once at the end. Adding to RoaringBitmaps directly cost most of a cut. Reused from segment to
 * segment through {@link #clear()}: the 64 MiB index is allocated once and only its used slots are reset (a fresh
 * one per cut, filled and scanned whole, was a visible part of each cut). Not thread-safe.
 */
final class PagePostings {
    /** Slot + 1 of each key, 0 when the key has no list yet. */
    private final int[] slotOfKey = new int[1 << 24];
    private int[] keyOfSlot = new int[1 << 12];
    private int[][] lists = new int[1 << 12][];
    private int[] sizes = new int[1 << 12];
    private int slots;

    void add(int key, int page) {
        int slot = slotOfKey[key] - 1;
        if (slot < 0) {
            slot = newSlot(key);
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

    private int newSlot(int key) {
        if (slots == lists.length) {
            lists = Arrays.copyOf(lists, slots * 2);
            sizes = Arrays.copyOf(sizes, slots * 2);
            keyOfSlot = Arrays.copyOf(keyOfSlot, slots * 2);
        }
        int slot = slots++;
        slotOfKey[key] = slot + 1;
        keyOfSlot[slot] = key;
        if (lists[slot] == null) {
            lists[slot] = new int[4];
        }
        sizes[slot] = 0;
        return slot;
    }

    /** The bitmaps by ascending key, run-optimised. */
    Map<Integer, RoaringBitmap> toBitmaps() {
        int[] keys = Arrays.copyOf(keyOfSlot, slots);
        Arrays.sort(keys);
        TreeMap<Integer, RoaringBitmap> out = new TreeMap<>();
        for (int key : keys) {
            int slot = slotOfKey[key] - 1;
            RoaringBitmap b = RoaringBitmap.bitmapOf(Arrays.copyOf(lists[slot], sizes[slot]));
            b.runOptimize();
            out.put(key, b);
        }
        return out;
    }

    /** Forgets every key; the page lists' arrays stay for the next segment. */
    void clear() {
        for (int s = 0; s < slots; s++) {
            slotOfKey[keyOfSlot[s]] = 0;
        }
        slots = 0;
    }
}
