package io.sightline.storage.traces;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;

/**
 * Postings key to the rows holding it, while a segment is written: rows arrive in increasing order, so each key
 * appends to a plain int list, found through an open-addressing table of primitive keys (no boxing per span),
 * and the bitmaps are built once at the end. Any long is a valid key (0 included), so an occupancy array marks
 * the used slots. Not thread-safe.
 */
final class RowLists {
    private long[] keys = new long[1 << 10];
    private int[] slotOf = new int[1 << 10];
    private boolean[] isUsed = new boolean[1 << 10];
    private int[][] lists = new int[64][];
    private int[] sizes = new int[64];
    private int count;

    void add(long key, int row) {
        int slot = slot(key);
        int[] list = lists[slot];
        int n = sizes[slot];
        if (n > 0 && list[n - 1] == row) {
            return;
        }
        if (n == list.length) {
            list = Arrays.copyOf(list, n * 2);
            lists[slot] = list;
        }
        list[n] = row;
        sizes[slot] = n + 1;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int i = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
        while (isUsed[i]) {
            if (keys[i] == key) {
                return slotOf[i];
            }
            i = (i + 1) & mask;
        }
        if (count * 2 >= keys.length) {
            grow();
            return slot(key);
        }
        isUsed[i] = true;
        keys[i] = key;
        if (count == lists.length) {
            lists = Arrays.copyOf(lists, count * 2);
            sizes = Arrays.copyOf(sizes, count * 2);
        }
        lists[count] = new int[8];
        slotOf[i] = count;
        return count++;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slotOf;
        boolean[] oldUsed = isUsed;
        keys = new long[oldKeys.length * 2];
        slotOf = new int[keys.length];
        isUsed = new boolean[keys.length];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldUsed[j]) {
                int i = Long.hashCode(oldKeys[j] * 0x9E3779B97F4A7C15L) & mask;
                while (isUsed[i]) {
                    i = (i + 1) & mask;
                }
                isUsed[i] = true;
                keys[i] = oldKeys[j];
                slotOf[i] = oldSlots[j];
            }
        }
    }

    /** Keys ascending. */
    long[] keys() {
        long[] out = new long[count];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (isUsed[i]) {
                out[n++] = keys[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    RoaringBitmap bitmap(long key) {
        int slot = slot(key);
        RoaringBitmap b = RoaringBitmap.bitmapOf(Arrays.copyOf(lists[slot], sizes[slot]));
        b.runOptimize();
        return b;
    }
}
