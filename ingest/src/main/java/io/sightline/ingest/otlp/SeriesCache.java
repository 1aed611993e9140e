package io.sightline.ingest.otlp;

import io.sightline.storage.model.Labels;

import java.util.Arrays;

/**
 * Remembers, per write thread, the {@link Labels} and storage series reference of recently written
 * series, keyed by what the translator sees before building labels: the point's label pairs (in attribute
 * order), the series name and the extra label value ({@code le}/{@code quantile}). A hit skips building
 * the labels and lets storage find the series by reference (identity check) instead of hashing the labels
 * again; OTLP exporters resend the same series every interval, so nearly every sample after the first
 * export hits.
 *
 * <p>Direct-mapped and bounded: a colliding series replaces the older one. A hit compares the whole key,
 * so a hash collision costs a miss, never a wrong series. Not thread-safe: one per thread.
 */
final class SeriesCache {
    private final Entry[] slots;
    private final int mask;

    /** @param capacity rounded up to a power of two */
    SeriesCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        slots = new Entry[size];
        mask = size - 1;
    }

    /**
     * The entry for this key, or null.
     *
     * @param knownEqual an array already known to hold the same pairs (from an earlier hit of the same
     *                   point), so an entry sharing it needs no comparison of the pairs; or null
     */
    Entry get(int hash, String name, String extraValue, String[] pairs, int pairLength, String[] knownEqual) {
        Entry e = slots[hash & mask];
        if (e != null && e.hash == hash && e.pairLength == pairLength && e.name.equals(name)
                && (e.extraValue == null ? extraValue == null : e.extraValue.equals(extraValue))
                && (e.pairs == knownEqual || Arrays.equals(e.pairs, 0, pairLength, pairs, 0, pairLength))) {
            return e;
        }
        return null;
    }

    /** @param pairs owned by the entry from now on (may be shared by entries of the same point) */
    void put(int hash, String name, String extraValue, String[] pairs, int pairLength, Labels labels, long ref) {
        slots[hash & mask] = new Entry(hash, name, extraValue, pairs, pairLength, labels, ref);
    }

    static int hash(int pointHash, String name, String extraValue) {
        int h = pointHash * 31 + name.hashCode();
        h = h * 31 + (extraValue == null ? 0 : extraValue.hashCode());
        // murmur3 finaliser: spreads the bits so the low ones index the table well
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    static final class Entry {
        final int hash;
        final String name;
        final String extraValue;
        final String[] pairs;
        final int pairLength;
        final Labels labels;
        long ref;

        Entry(int hash, String name, String extraValue, String[] pairs, int pairLength, Labels labels, long ref) {
            this.hash = hash;
            this.name = name;
            this.extraValue = extraValue;
            this.pairs = pairs;
            this.pairLength = pairLength;
            this.labels = labels;
            this.ref = ref;
        }
    }
}
