package io.sightline.ingest.remote;

import io.sightline.storage.model.Labels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 *
 * <p>An entry does not copy its key: it holds its label fields two at a time as arrays taken from a small table of
 * those seen so far ({@link #intern}), so the ~120 key bytes of a series become two or three references (the
 * fields {@code job="api", method="GET"} are one array for all series that have both; at 100k series of the
 * benchmark's shapes the cache took ~126 B per series for key copies, and now ~24 B). A key is still compared
 * byte for byte, its parts one after the other, so two label sets never share an entry; a part the table lost
 * to another is only copied again. (One field per part shares more but made every hit ~10 % slower: a loop
 * of ~5 short comparisons against one of ~120 bytes; two per part are as fast as the copy was.)
 */
final class LabelCache {
    private static final VarHandle PART = MethodHandles.arrayElementVarHandle(byte[][].class);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Slots of the part table per slot of the entry table: distinct label fields are far fewer than series. */
    private static final int SLOTS_PER_PART = 8;
    private static final int FIELDS_PER_PART = 2;
    /** {@link Entry#next} of an entry no longer in the table (a flag of its own made every entry 8 bytes larger). */
    static final Entry DROPPED = new Entry(0, new byte[0][], Labels.EMPTY, 0);

    private final Entry[] slots;
    private final int mask;
    /** Direct-mapped label fields by hash, so entries share equal ones; written and read racily (release/acquire). */
    private final byte[][] parts;
    private final int partMask;

    /** @param capacity rounded up to a power of two, at least 16 */
    LabelCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        slots = new Entry[size];
        mask = size - 2; // the even slot of a two-slot set
        parts = new byte[Math.max(16, size / SLOTS_PER_PART)][];
        partMask = parts.length - 1;
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
        Entry e = new Entry(hash, split(buf, from, to), labels, ref);
        slots[set] = e;
        return e;
    }

    /**
     * The key {@code buf[from, to)} as parts: {@link #FIELDS_PER_PART} protobuf fields (tag, length and contents)
     * each, the part table's array when it has an equal one. Bytes that are not a sequence of length-delimited fields (never the
     * case for the decoder's keys) are one part.
     */
    private byte[][] split(byte[] buf, int from, int to) {
        int fields = 0;
        for (int pos = from; pos < to; fields++) {
            pos = fieldEnd(buf, pos, to);
            if (pos < 0) {
                return new byte[][]{intern(buf, from, to)};
            }
        }
        byte[][] key = new byte[(fields + FIELDS_PER_PART - 1) / FIELDS_PER_PART][];
        for (int pos = from, i = 0; i < key.length; i++) {
            int end = pos;
            for (int f = 0; f < FIELDS_PER_PART && end < to; f++) {
                end = fieldEnd(buf, end, to);
            }
            key[i] = intern(buf, pos, end);
            pos = end;
        }
        return key;
    }

    /** The end of the length-delimited field at {@code buf[pos]}, or -1 when it is malformed or passes {@code to}. */
    private static int fieldEnd(byte[] buf, int pos, int to) {
        for (int varint = 0; varint < 2; varint++) { // the tag, then the length
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= to || shift > 28) {
                    return -1;
                }
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            if (varint == 1) {
                return v > to - pos ? -1 : pos + (int) v;
            }
        }
        throw new AssertionError("unreachable");
    }

    /**
     * The table's array equal to {@code buf[from, to)}, or a copy that replaces whatever the table held in its
     * slot. The acquire/release pair makes a racily read array's bytes visible, as the comparison needs.
     */
    private byte[] intern(byte[] buf, int from, int to) {
        int slot = hash(buf, from, to) & partMask;
        byte[] p = (byte[]) PART.getAcquire(parts, slot);
        if (p != null && Arrays.equals(p, 0, p.length, buf, from, to)) {
            return p;
        }
        p = Arrays.copyOfRange(buf, from, to);
        PART.setRelease(parts, slot, p);
        return p;
    }

    /** Records that storage now knows {@code e}'s series under {@code ref}; returns the entry that does. */
    Entry updateRef(Entry e, long ref) {
        int set = e.hash & mask;
        Entry updated = new Entry(e.hash, e.key, e.labels, ref);
        updated.next = e.next == DROPPED ? null : e.next;
        for (int slot = set; slot <= set + 1; slot++) {
            if (slots[slot] == e) {
                slots[slot] = updated;
                drop(e);
                return updated;
            }
        }
        drop(updated); // e was displaced (or dropped meanwhile): so is its replacement
        return updated;
    }

    /** The entry that followed {@code previous} last time, if its key equals {@code buf[from, to)}; else null. */
    static Entry followerMatching(Entry previous, byte[] buf, int from, int to) {
        Entry e = previous.next;
        return e != null && e != DROPPED && keyEquals(e.key, buf, from, to) ? e : null;
    }

    /** Remembers that {@code next} followed {@code previous} (written only on change: entries are shared). */
    static void follows(Entry previous, Entry next) {
        if (previous.next != next && previous.next != DROPPED) {
            previous.next = next;
        }
    }

    private static void drop(Entry e) {
        if (e != null) {
            e.next = DROPPED;
        }
    }

    private static boolean matches(Entry e, int hash, byte[] buf, int from, int to) {
        return e != null && e.hash == hash && keyEquals(e.key, buf, from, to);
    }

    /** Whether the parts of {@code key}, one after the other, are {@code buf[from, to)}. */
    private static boolean keyEquals(byte[][] key, byte[] buf, int from, int to) {
        int pos = from;
        for (byte[] part : key) {
            int n = part.length;
            if (n > to - pos || !partEquals(part, buf, pos)) {
                return false;
            }
            pos += n;
        }
        return pos == to;
    }

    /**
     * Whether {@code part} equals the as many bytes at {@code buf[from]}: 8 bytes at a time, inlined (a label
     * field is 10 to 40 bytes, where calling {@code Arrays.equals}'s vectorised mismatch costs more than the
     * comparison itself).
     */
    private static boolean partEquals(byte[] part, byte[] buf, int from) {
        int n = part.length;
        if (n < Long.BYTES) {
            for (int i = 0; i < n; i++) {
                if (part[i] != buf[from + i]) {
                    return false;
                }
            }
            return true;
        }
        int last = n - Long.BYTES; // the last word overlaps the one before instead of a byte loop
        for (int i = 0; i < last; i += Long.BYTES) {
            if ((long) LONGS.get(part, i) != (long) LONGS.get(buf, from + i)) {
                return false;
            }
        }
        return (long) LONGS.get(part, last) == (long) LONGS.get(buf, from + last);
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
        /** The series' label fields in request order (the key's bytes, split); the arrays are shared with other entries. */
        final byte[][] key;
        final Labels labels;
        final long ref;
        /**
         * Hints written by every decoding thread without synchronization: a stale or lost write only costs a
         * table lookup, and the final fields make a racily read entry complete. {@link #DROPPED} once the entry
         * left the table: it then keeps no follower.
         */
        Entry next;

        Entry(int hash, byte[][] key, Labels labels, long ref) {
            this.hash = hash;
            this.key = key;
            this.labels = labels;
            this.ref = ref;
        }
    }
}
