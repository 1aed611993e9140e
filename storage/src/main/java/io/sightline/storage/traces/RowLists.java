package io.sightline.storage.traces;

import org.roaringbitmap.RoaringBitmap;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Postings key to the rows holding it, while a segment is written: rows arrive in increasing order, so each key
 * appends to a plain int list and the bitmaps are built once at the end (cheaper than growing bitmaps row by
 * row). Not thread-safe.
 */
final class RowLists {
    private static final class Rows {
        int[] rows = new int[8];
        int size;
    }

    private final Map<Long, Rows> lists = new HashMap<>();

    void add(long key, int row) {
        Rows r = lists.computeIfAbsent(key, k -> new Rows());
        if (r.size > 0 && r.rows[r.size - 1] == row) {
            return;
        }
        if (r.size == r.rows.length) {
            r.rows = Arrays.copyOf(r.rows, r.size * 2);
        }
        r.rows[r.size++] = row;
    }

    /** Keys ascending. */
    long[] keys() {
        return lists.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    RoaringBitmap bitmap(long key) {
        Rows r = lists.get(key);
        RoaringBitmap b = RoaringBitmap.bitmapOf(Arrays.copyOf(r.rows, r.size));
        b.runOptimize();
        return b;
    }
}
