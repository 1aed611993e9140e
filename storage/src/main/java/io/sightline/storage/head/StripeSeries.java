package io.sightline.storage.head;

import io.sightline.storage.model.Labels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The head's series, by labels and by id. Lookups by labels lock one of {@link #STRIPES} stripes chosen by
 * hash (as Prometheus's {@code stripeSeries}) so appenders on different series rarely contend; lookups by
 * id read a paged array without locks. Thread-safe.
 *
 * <p>Each stripe is an open-addressing table of the series themselves (linear probing) with a one-byte tag of
 * their labels' hash in a parallel array, not a {@code HashMap}: a map node per series cost 24 B and its table
 * slot ~8; a slot here costs 5 B (~9.5 B per series at a load between 3/8 and 3/4). The tags keep a probe from
 * loading the series and its labels (two cache misses each) for every slot it passes: without them, creating a
 * series (two lookups that miss) took ~6 % more CPU at 100k series. A tag of eight bits lets 1 in 256 of the
 * passed slots through to the label comparison, as good for that as the whole hash was (an {@code int} per slot
 * until session 8: 8 B per slot, ~15 B per series); the rare paths that need the whole hash (a resize, a
 * removal's shift) take it from the labels, which cache it.
 */
final class StripeSeries {
    private static final int STRIPES = 1 << 10;
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final int INITIAL_SLOTS = 8;

    private final Object[] locks = new Object[STRIPES];
    /** Per stripe, guarded by its lock: a power-of-two table of series (null: free), at most 3/4 full. */
    private final HeadSeries[][] tables = new HeadSeries[STRIPES][];
    /** Per stripe, guarded by its lock: the {@link #tag} of each series in {@link #tables}, slot for slot. */
    private final byte[][] tags = new byte[STRIPES][];
    /** Per stripe, guarded by its lock: the series in its table. */
    private final int[] sizes = new int[STRIPES];
    private final AtomicReferenceArray<AtomicReferenceArray<HeadSeries>> pages;
    private final AtomicInteger count = new AtomicInteger();

    StripeSeries(long maxSeries) {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
            tables[i] = new HeadSeries[INITIAL_SLOTS];
            tags[i] = new byte[INITIAL_SLOTS];
        }
        pages = new AtomicReferenceArray<>((int) ((maxSeries + 1) >>> PAGE_BITS) + 1);
    }

    /** The series with {@code id}, or {@code null}. */
    HeadSeries byId(long id) {
        if (id <= 0 || (id >>> PAGE_BITS) >= pages.length()) {
            return null;
        }
        AtomicReferenceArray<HeadSeries> page = pages.get((int) (id >>> PAGE_BITS));
        return page == null ? null : page.get((int) (id & (PAGE_SIZE - 1)));
    }

    /** The series with these labels, or {@code null}. */
    HeadSeries byLabels(Labels labels) {
        int hash = labels.hashCode();
        int s = hash & (STRIPES - 1);
        synchronized (locks[s]) {
            HeadSeries[] table = tables[s];
            int i = find(table, tags[s], labels, hash);
            return i < 0 ? null : table[i];
        }
    }

    /**
     * The series with these labels, created by {@code factory} when absent; {@code null} when the factory
     * returns null (no room). The factory runs under the stripe lock, so it runs once per new series.
     */
    HeadSeries getOrCreate(Labels labels, SeriesFactory factory) {
        int hash = labels.hashCode();
        int s = hash & (STRIPES - 1);
        synchronized (locks[s]) {
            HeadSeries[] table = tables[s];
            int i = find(table, tags[s], labels, hash);
            if (i >= 0) {
                return table[i];
            }
            HeadSeries series = factory.create(labels);
            if (series == null) {
                return null;
            }
            if ((series.id >>> PAGE_BITS) >= pages.length()) {
                throw new IllegalStateException("BUG: series id " + series.id + " beyond the configured maximum");
            }
            table[-i - 1] = series;
            tags[s][-i - 1] = tag(hash);
            if (++sizes[s] > table.length - (table.length >>> 2)) {
                resize(s, table.length * 2);
            }
            AtomicReferenceArray<HeadSeries> page = pages.get(series.id >>> PAGE_BITS);
            if (page == null) {
                pages.compareAndSet(series.id >>> PAGE_BITS, null, new AtomicReferenceArray<>(PAGE_SIZE));
                page = pages.get(series.id >>> PAGE_BITS);
            }
            page.set(series.id & (PAGE_SIZE - 1), series);
            count.incrementAndGet();
            return series;
        }
    }

    /** Removes a series (it left the head); a no-op when it is not the one registered. */
    boolean remove(HeadSeries series) {
        int hash = series.labels.hashCode();
        int s = hash & (STRIPES - 1);
        synchronized (locks[s]) {
            HeadSeries[] table = tables[s];
            int i = find(table, tags[s], series.labels, hash);
            if (i < 0 || table[i] != series) {
                return false;
            }
            deleteAt(table, tags[s], i);
            if (--sizes[s] < table.length >>> 3 && table.length > INITIAL_SLOTS) {
                resize(s, table.length >>> 1); // a truncated head gives its slots back
            }
            pages.get(series.id >>> PAGE_BITS).set(series.id & (PAGE_SIZE - 1), null);
            count.decrementAndGet();
            return true;
        }
    }

    /** Visits every series, stripe by stripe; a series created meanwhile may or may not be seen. */
    void forEach(Consumer<HeadSeries> action) {
        HeadSeries[] copy = new HeadSeries[INITIAL_SLOTS];
        for (int s = 0; s < STRIPES; s++) {
            int n = 0;
            synchronized (locks[s]) {
                if (copy.length < sizes[s]) {
                    copy = new HeadSeries[tables[s].length];
                }
                for (HeadSeries series : tables[s]) {
                    if (series != null) {
                        copy[n++] = series;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                action.accept(copy[i]);
            }
            Arrays.fill(copy, 0, n, null);
        }
    }

    int size() {
        return count.get();
    }

    /**
     * The slot of the series with {@code labels} in {@code table}, or {@code -slot - 1} of the free slot where
     * it would go. The table always has a free slot (it is at most 3/4 full).
     */
    private static int find(HeadSeries[] table, byte[] tags, Labels labels, int hash) {
        int mask = table.length - 1;
        byte tag = tag(hash);
        for (int i = home(hash, mask); ; i = (i + 1) & mask) {
            HeadSeries e = table[i];
            if (e == null) {
                return -i - 1;
            }
            if (tags[i] == tag && (e.labels == labels || e.labels.equals(labels))) {
                return i;
            }
        }
    }

    /**
     * The first slot probed for a hash: its bits mixed (murmur3's finaliser), as the stripe already took the
     * low bits and a table of one stripe would otherwise see only hashes with equal low bits.
     */
    private static int home(int hash, int mask) {
        return mix(hash) & mask;
    }

    /**
     * The slot tag of a hash: the mixed hash's top byte, independent of the low bits that chose the stripe and
     * the home slot (so the series one probe passes do not share it more often than chance).
     */
    static byte tag(int hash) {
        return (byte) (mix(hash) >>> 24);
    }

    private static int mix(int hash) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** Rehashes stripe {@code s} into {@code slots} slots. */
    private void resize(int s, int slots) {
        HeadSeries[] table = tables[s];
        byte[] tagOf = tags[s];
        HeadSeries[] next = new HeadSeries[slots];
        byte[] nextTags = new byte[slots];
        int mask = slots - 1;
        for (int j = 0; j < table.length; j++) {
            if (table[j] != null) {
                int i = home(table[j].labels.hashCode(), mask); // cached in the labels
                while (next[i] != null) {
                    i = (i + 1) & mask;
                }
                next[i] = table[j];
                nextTags[i] = tagOf[j];
            }
        }
        tables[s] = next;
        tags[s] = nextTags;
    }

    /**
     * Empties slot {@code i} and shifts later entries of its probe run back (no tombstones, so lookups of
     * absent labels stay short after many removals).
     */
    private static void deleteAt(HeadSeries[] table, byte[] tags, int i) {
        int mask = table.length - 1;
        table[i] = null;
        for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
            int home = home(table[j].labels.hashCode(), mask);
            // Move slot j into the hole unless its home lies cyclically in (i, j].
            boolean isHomeAfterHole = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!isHomeAfterHole) {
                table[i] = table[j];
                tags[i] = tags[j];
                table[j] = null;
                i = j;
            }
        }
    }

    /** Makes a series for new labels under the stripe lock. */
    interface SeriesFactory {
        /** The new series, or {@code null} when none may be created. */
        HeadSeries create(Labels labels);
    }
}
