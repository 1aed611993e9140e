package io.sightline.ingest.remote;

import io.sightline.storage.model.Labels;

import java.util.Arrays;

/**
 * Remembers the {@link Labels} and storage reference of recently seen series, keyed by the raw protobuf bytes
 * of their labels. Remote-write senders resend every series each interval with byte-identical labels, so a
 * hit skips UTF-8 decoding, validation, sorting and the storage lookup by labels: the decode path then
 * allocates nothing per series.
 *
 * <p>Shared by all decoding threads, so every request passes storage the same {@code Labels} instance for a
 * series and storage's reference check succeeds on identity. (Per-thread caches were measured first: with 8
 * API worker threads each held its own copy, 8x the memory, and storage compared the labels string by
 * string on every sample because the instances differed: 17% of ingest CPU in JFR, see benchmarks/RESULTS.md.)
 *
 * <p>Two-way set associative and bounded: a new series displaces the older of the two in its set. (Direct
 * mapping was measured first: 4% of 10k series collided in 262k slots, and each colliding pair evicted each
 * other on every request, so those series paid full label decoding every time.) A hit compares the whole
 * key, so a hash collision costs a miss, never a wrong series. Thread-safe without locks: entries are immutable
 * (final fields, so a racy read sees a complete entry) and a slot write is a single reference store; two
 * threads missing the same series at once both build labels, and the later store wins.
 *
 * <p>Senders resend a shard's series in the same order every interval, so each entry also remembers the entry
 * that followed it last time ({@link Entry#next}). The decoder tries that one first: a hit then costs one
 * byte comparison, no hashing and no probe of the table (in JFR of 100k series the table probe, whose
 * slot array and entries miss the CPU cache, was 39 % of the remote-write handler). A hint is only a guess,
 * checked byte for byte. A displaced entry is still found through its predecessor's hint, so series of an
 * overflowing set no longer evict each other every round (at 100k series that churn, label decoding plus a
 * storage lookup by labels, was 14 % of the handler); but it keeps no follower of its own, so a hint keeps at
 * most one displaced entry reachable.
 */
final class LabelCache {
    private final Entry[] slots;
    private final int mask;

    /** @param capacity rounded up to a power of two, at least 16 */
    LabelCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        slots = new Entry[size];
        mask = size - 2; // the even slot of a two-slot set
    }

    /** The entry whose key equals {@code buf[from, to)}, or null. */
    Entry get(int hash, byte[] buf, int from, int to) {
        int set = hash & mask;
        Entry e = slots[set];
        if (matches(e, hash, buf, from, to)) {
            return e;
        }
        e = slots[set + 1];
        return matches(e, hash, buf, from, to) ? e : null;
    }

    /** Adds an entry and returns it. */
    Entry put(int hash, byte[] buf, int from, int to, Labels labels, long ref) {
        int set = hash & mask;
        // The newer entry goes first; the one it displaces moves to the second slot, whose entry is dropped.
        drop(slots[set + 1]);
        slots[set + 1] = slots[set];
        Entry e = new Entry(hash, Arrays.copyOfRange(buf, from, to), labels, ref);
        slots[set] = e;
        return e;
    }

    /** Records that storage now knows {@code e}'s series under {@code ref}; returns the entry that does. */
    Entry updateRef(Entry e, long ref) {
        int set = e.hash & mask;
        Entry updated = new Entry(e.hash, e.key, e.labels, ref);
        updated.next = e.next;
        for (int slot = set; slot <= set + 1; slot++) {
            if (slots[slot] == e) {
                slots[slot] = updated;
                drop(e);
                return updated;
            }
        }
        drop(updated); // e was displaced: so is its replacement
        return updated;
    }

    /** The entry that followed {@code previous} last time, if its key equals {@code buf[from, to)}; else null. */
    static Entry followerMatching(Entry previous, byte[] buf, int from, int to) {
        Entry e = previous.next;
        return e != null && Arrays.equals(e.key, 0, e.key.length, buf, from, to) ? e : null;
    }

    /** Remembers that {@code next} followed {@code previous} (written only on change: entries are shared). */
    static void follows(Entry previous, Entry next) {
        if (previous.next != next && !previous.isDropped) {
            previous.next = next;
        }
    }

    private static void drop(Entry e) {
        if (e != null) {
            e.isDropped = true;
            e.next = null;
        }
    }

    private static boolean matches(Entry e, int hash, byte[] buf, int from, int to) {
        return e != null && e.hash == hash && Arrays.equals(e.key, 0, e.key.length, buf, from, to);
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
        final long ref;
        /**
         * Hints written by every decoding thread without synchronization: a stale or lost write only costs a
         * table lookup, and the final fields make a racily read entry complete.
         */
        Entry next;
        boolean isDropped;

        Entry(int hash, byte[] key, Labels labels, long ref) {
            this.hash = hash;
            this.key = key;
            this.labels = labels;
            this.ref = ref;
        }
    }
}
