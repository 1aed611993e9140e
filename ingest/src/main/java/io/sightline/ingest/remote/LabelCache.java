package io.sightline.ingest.remote;

import io.sightline.storage.model.Labels;

import java.util.Arrays;

/**
 * Remembers, per decoding thread, the {@link Labels} and storage reference of recently seen series, keyed
 * by the raw protobuf bytes of their labels. Remote-write senders resend every series each interval with
 * byte-identical labels, so a hit skips UTF-8 decoding, validation, sorting and the storage lookup by
 * labels: the decode path then allocates nothing per series.
 *
 * <p>Direct-mapped and bounded: a new series displaces the one in its slot. A hit compares the whole key,
 * so a hash collision costs a miss, never a wrong series. Not thread-safe: one per thread.
 */
final class LabelCache {
    private final Entry[] slots;
    private final int mask;

    /** @param capacity rounded up to a power of two, at least 16 */
    LabelCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        slots = new Entry[size];
        mask = size - 1;
    }

    /** The entry whose key equals {@code buf[from, to)}, or null. */
    Entry get(int hash, byte[] buf, int from, int to) {
        Entry e = slots[hash & mask];
        if (e != null && e.hash == hash && Arrays.equals(e.key, 0, e.key.length, buf, from, to)) {
            return e;
        }
        return null;
    }

    Entry put(int hash, byte[] buf, int from, int to, Labels labels, long ref) {
        Entry e = new Entry(hash, Arrays.copyOfRange(buf, from, to), labels, ref);
        slots[hash & mask] = e;
        return e;
    }

    /** A hash of {@code buf[from, to)}, spread so that its low bits index the table well. */
    static int hash(byte[] buf, int from, int to) {
        int h = 1;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            h = 31 * 31 * 31 * 31 * h + 31 * 31 * 31 * buf[i] + 31 * 31 * buf[i + 1] + 31 * buf[i + 2] + buf[i + 3];
        }
        for (; i < to; i++) {
            h = 31 * h + buf[i];
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    static final class Entry {
        final int hash;
        final byte[] key;
        final Labels labels;
        long ref;

        Entry(int hash, byte[] key, Labels labels, long ref) {
            this.hash = hash;
            this.key = key;
            this.labels = labels;
            this.ref = ref;
        }
    }
}
