package io.sightline.ingest.remote;

import io.sightline.storage.model.Labels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>Four-way set associative and bounded: a new series displaces the oldest of the four in its set. (Direct
 * mapping was measured first: 4% of 10k series collided in 262k slots, and each colliding pair evicted each
 * other on every request, so those series paid full label decoding every time. Two-way sets came next and
 * needed ~5 slots per series, 21 B at 100k series, to keep the overflow at 2.0 %; four-way sets overflow less,
 * 1.7 % in a simulation of random hashes, in 2.6 slots per series: 10 B. A probe may read four entries instead
 * of two, but most hits take the follower hint below and never probe.) A hit compares the whole key (entries
 * keep no hash: see {@link Entry}), so a hash collision costs a miss, never a wrong series. Thread-safe without
 * locks: entries are immutable
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
 *
 * <p>Entries stay objects. Parallel primitive arrays (entry ids into int, long and part-id arrays) were weighed
 * in session 7 and not built: without a header per entry they still need the index, the hint, the reference, the
 * labels, a key offset and the key's part ids, and part bytes in an arena that cannot evict while an id points
 * there; at 100k series that adds up to ~75-95 B per series with power-of-two slack, against ~70 B for these
 * 32-byte entries, and a reader could then see the fields of two different series in one slot without a
 * sequence lock. See benchmarks/RESULTS.md, session 7 (issue 4): remote-write label cache.
 */
final class LabelCache {
    private static final VarHandle PART = MethodHandles.arrayElementVarHandle(byte[][].class);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /**
     * Slots of the entry table per slot of the part table: distinct label fields are far fewer than series. (8
     * with two-way sets of twice as many slots: the part table kept its size when the entry table halved.)
     */
    private static final int SLOTS_PER_PART = 4;
    private static final int FIELDS_PER_PART = 2;
    /** Parts an entry holds in fields of its own; a key of more keeps the third and later ones in an array. */
    private static final int INLINE_PARTS = 3;
    /** Slots per set of the entry table. */
    static final int WAYS = 4;
    /** {@link Entry#next} of an entry no longer in the table (a flag of its own made every entry 8 bytes larger). */
    static final Entry DROPPED = new Entry(new byte[0], null, null, Labels.EMPTY, 0);

    /**
     * Grow when at least this share of the lookups since the last resize missed (1/4), and they were at least
     * half as many as the slots ({@link #counted}): a table too small for the
     * active series makes them evict each other every round (at 1M series in the default 524k slots, half of
     * every round missed and server CPU per sample was 2.2x that of a table sized for them), while series churn
     * in a table that fits (a few new series among many hits) never grows it.
     */
    private static final int MISS_SHARE_TO_GROW = 4;

    private volatile Table table;
    private final int maxSize;
    /** Lookups and misses since the last resize (or since a check found too few misses to grow). */
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** A table of {@code capacity} slots that never grows (the part table's size follows it). */
    LabelCache(int capacity) {
        this(capacity, capacity);
    }

    /**
     * @param capacity    initial slots, rounded up to a power of two, at least 16
     * @param maxCapacity slots it may grow to (doubling) when the series it sees do not fit
     */
    LabelCache(int capacity, int maxCapacity) {
        table = new Table(sizeFor(capacity));
        maxSize = Math.max(table.slots.length, sizeFor(maxCapacity));
    }

    private static int sizeFor(int capacity) {
        return Integer.highestOneBit(Math.max(16, Math.min(1 << 30, capacity) - 1)) << 1;
    }

    /** Slots of the entry table now (grows under misses, see {@link #MISS_SHARE_TO_GROW}). */
    int capacity() {
        return table.slots.length;
    }

    /**
     * Counts a request's lookups and how many of them missed, once per request (not per series: the counters
     * are shared by every thread); the table doubles when misses reach half its slots and a quarter of the
     * lookups. (A quarter of the slots, with two-way sets, grew a table past what four-way sets need: starting
     * at 131k slots, the 100k new series of a first round would have doubled it twice, to 524k.)
     */
    void counted(int requestLookups, int requestMisses) {
        Table t = table;
        if (t.slots.length >= maxSize) {
            return;
        }
        long l = lookups.addAndGet(requestLookups);
        if (requestMisses == 0) {
            return;
        }
        long m = misses.addAndGet(requestMisses);
        if (m >= t.slots.length >>> 1) {
            maybeGrow(t, m, l);
        }
    }

    /** The entry whose key equals {@code buf[from, to)}, or null; {@code hash} is {@link #hash} of those bytes. */
    Entry get(int hash, byte[] buf, int from, int to) {
        Table t = table;
        Entry[] slots = t.slots;
        for (int slot = hash & t.mask, end = slot + WAYS; slot < end; slot++) {
            Entry e = slots[slot];
            if (e == null) {
                return null; // a set fills from its first slot, and entries only leave it when it is full
            }
            if (keyEquals(e, buf, from, to)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Adds an entry and returns it; null, and nothing added, when {@code ref} is not an int (storage's references
     * are series ids, ints in practice; an entry keeps 4 bytes of it).
     */
    Entry put(int hash, byte[] buf, int from, int to, Labels labels, long ref) {
        if ((int) ref != ref) {
            return null;
        }
        Table t = table;
        Entry e = split(t, buf, from, to, labels, (int) ref);
        t.insertFirst(e, hash);
        return e;
    }

    /**
     * Doubles the table when at least 1/{@link #MISS_SHARE_TO_GROW} of the lookups since the last check missed;
     * either way the counts start over. Entries other threads insert into the old table meanwhile are lost
     * (a later miss puts them again): it is a cache, and every hit is checked byte for byte.
     */
    private synchronized void maybeGrow(Table t, long m, long l) {
        if (table != t) {
            return;
        }
        if (m * MISS_SHARE_TO_GROW >= l) {
            table = t.doubled();
        }
        misses.set(0);
        lookups.set(0);
    }

    /**
     * An entry for the key {@code buf[from, to)} split into parts of {@link #FIELDS_PER_PART} protobuf fields (tag,
     * length and contents) each, the part table's array when it has an equal one. Bytes that are not a sequence of
     * length-delimited fields (never the case for the decoder's keys) are one part.
     */
    private static Entry split(Table t, byte[] buf, int from, int to, Labels labels, int ref) {
        int fields = 0;
        for (int pos = from; pos < to; fields++) {
            pos = fieldEnd(buf, pos, to);
            if (pos < 0) {
                return new Entry(intern(t, buf, from, to), null, null, labels, ref);
            }
        }
        int parts = (fields + FIELDS_PER_PART - 1) / FIELDS_PER_PART;
        int pos = from;
        int end = partEnd(buf, pos, to);
        byte[] p0 = intern(t, buf, pos, end);
        byte[] p1 = null;
        Object rest = null;
        if (parts > 1) {
            pos = end;
            end = partEnd(buf, pos, to);
            p1 = intern(t, buf, pos, end);
        }
        if (parts == INLINE_PARTS) {
            rest = intern(t, buf, end, partEnd(buf, end, to));
        } else if (parts > INLINE_PARTS) {
            byte[][] tail = new byte[parts - INLINE_PARTS + 1][];
            for (int i = 0; i < tail.length; i++) {
                pos = end;
                end = partEnd(buf, pos, to);
                tail[i] = intern(t, buf, pos, end);
            }
            rest = tail;
        }
        return new Entry(p0, p1, rest, labels, ref);
    }

    /** The end of the part that starts at {@code buf[pos]} (the key's fields were checked well-formed). */
    private static int partEnd(byte[] buf, int pos, int to) {
        int end = pos;
        for (int f = 0; f < FIELDS_PER_PART && end < to; f++) {
            end = fieldEnd(buf, end, to);
        }
        return end;
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
    private static byte[] intern(Table t, byte[] buf, int from, int to) {
        int slot = hash(buf, from, to) & t.partMask;
        byte[] p = (byte[]) PART.getAcquire(t.parts, slot);
        if (p != null && Arrays.equals(p, 0, p.length, buf, from, to)) {
            return p;
        }
        p = Arrays.copyOfRange(buf, from, to);
        PART.setRelease(t.parts, slot, p);
        return p;
    }

    /**
     * Records that storage now knows {@code e}'s series under {@code ref}; returns the entry that does, or null
     * when {@code ref} is not an int (then {@code e} is dropped: the series is looked up by labels next time).
     */
    Entry updateRef(Entry e, long ref) {
        Entry[] slots = table.slots;
        int set = hash(e) & (slots.length - WAYS);
        Entry updated = (int) ref == ref ? new Entry(e.p0, e.p1, e.rest, e.labels, (int) ref) : null;
        if (updated != null) {
            updated.next = e.next == DROPPED ? null : e.next;
        }
        for (int slot = set; slot < set + WAYS; slot++) {
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
        return e != null && e != DROPPED && keyEquals(e, buf, from, to) ? e : null;
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

    /** Whether the parts of {@code e}'s key, one after the other, are {@code buf[from, to)}. */
    private static boolean keyEquals(Entry e, byte[] buf, int from, int to) {
        byte[] part = e.p0;
        int pos = from + part.length;
        if (pos > to || !partEquals(part, buf, from)) {
            return false;
        }
        part = e.p1;
        if (part == null) {
            return pos == to;
        }
        int n = part.length;
        if (n > to - pos || !partEquals(part, buf, pos)) {
            return false;
        }
        pos += n;
        Object rest = e.rest;
        if (rest instanceof byte[] last) {
            return last.length == to - pos && partEquals(last, buf, pos);
        }
        return rest == null ? pos == to : tailEquals((byte[][]) rest, buf, pos, to);
    }

    private static boolean tailEquals(byte[][] tail, byte[] buf, int pos, int to) {
        for (byte[] part : tail) {
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
        return spread(polynomial(1, buf, from, to));
    }

    /** {@code h} continued over {@code buf[from, to)} as {@code h = 31 * h + b} byte by byte, four bytes a step. */
    private static int polynomial(int h, byte[] buf, int from, int to) {
        int i = from;
        for (; i + 4 <= to; i += 4) {
            h = 31 * 31 * 31 * 31 * h + 31 * 31 * 31 * buf[i] + 31 * 31 * buf[i + 1] + 31 * buf[i + 2] + buf[i + 3];
        }
        for (; i < to; i++) {
            h = 31 * h + buf[i];
        }
        return h;
    }

    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /**
     * The hash of {@code e}'s key, as {@link #hash(byte[], int, int)} of its bytes (the polynomial runs on across
     * its parts): computed again on the rare paths that need it, growth and a changed reference, rather than kept
     * in every entry.
     */
    private static int hash(Entry e) {
        int h = polynomial(1, e.p0, 0, e.p0.length);
        if (e.p1 != null) {
            h = polynomial(h, e.p1, 0, e.p1.length);
        }
        if (e.rest instanceof byte[] last) {
            h = polynomial(h, last, 0, last.length);
        } else if (e.rest != null) {
            for (byte[] p : (byte[][]) e.rest) {
                h = polynomial(h, p, 0, p.length);
            }
        }
        return spread(h);
    }

    /** Four-way sets of entries, plus the direct-mapped table of label fields that entries share. */
    private static final class Table {
        final Entry[] slots;
        final int mask;
        /** Direct-mapped label fields by hash, so entries share equal ones; written and read racily (release/acquire). */
        final byte[][] parts;
        final int partMask;

        Table(int size) {
            slots = new Entry[size];
            mask = size - WAYS; // the first slot of a set
            parts = new byte[Math.max(16, size / SLOTS_PER_PART)][];
            partMask = parts.length - 1;
        }

        /** Puts {@code e} first in its set; the others move one slot on, and the last one's entry is dropped. */
        void insertFirst(Entry e, int hash) {
            int set = hash & mask;
            drop(slots[set + WAYS - 1]);
            for (int slot = set + WAYS - 1; slot > set; slot--) {
                slots[slot] = slots[slot - 1];
            }
            slots[set] = e;
        }

        /** A table twice this size with this one's entries (newer first in each set) and label fields. */
        Table doubled() {
            Table t = new Table(slots.length * 2);
            for (int set = 0; set < slots.length; set += WAYS) {
                for (int slot = set; slot < set + WAYS; slot++) {
                    t.insertOld(slots[slot]);
                }
            }
            for (byte[] p : parts) {
                if (p != null) {
                    t.parts[hash(p, 0, p.length) & t.partMask] = p;
                }
            }
            return t;
        }

        /** Appends {@code e} to its set, behind any newer entry placed there before; dropped when the set is full. */
        private void insertOld(Entry e) {
            if (e == null || e.next == DROPPED) {
                return;
            }
            for (int slot = hash(e) & mask, end = slot + WAYS; slot < end; slot++) {
                if (slots[slot] == null) {
                    slots[slot] = e;
                    return;
                }
            }
            drop(e);
        }
    }

    /**
     * 32 bytes with compact object headers: five references and the reference as an int. (A hash of its own, to
     * skip comparing keys that differ, would make it 40: a probe compares the key instead, and most hits take the
     * follower hint and never probe.)
     */
    static final class Entry {
        /**
         * The series' label fields in request order (the key's bytes, split): the first part, the second (or
         * null) and the third as a {@code byte[]} or, when there are more, all the rest as a {@code byte[][]} (or
         * null). Inline rather than one {@code byte[][]}: that array was 27 B per series and one more load per
         * hit, and the benchmark's keys (3 to 6 labels) have at most three parts. The arrays are shared with other
         * entries.
         */
        final byte[] p0;
        final byte[] p1;
        final Object rest;
        final Labels labels;
        final int ref;
        /**
         * Hints written by every decoding thread without synchronization: a stale or lost write only costs a
         * table lookup, and the final fields make a racily read entry complete. {@link #DROPPED} once the entry
         * left the table: it then keeps no follower.
         */
        Entry next;

        Entry(byte[] p0, byte[] p1, Object rest, Labels labels, int ref) {
            this.p0 = p0;
            this.p1 = p1;
            this.rest = rest;
            this.labels = labels;
            this.ref = ref;
        }

        /** The key's parts in order (a copy of the references, for tests and diagnostics). */
        byte[][] parts() {
            if (p1 == null) {
                return new byte[][]{p0};
            }
            if (rest == null) {
                return new byte[][]{p0, p1};
            }
            if (rest instanceof byte[] last) {
                return new byte[][]{p0, p1, last};
            }
            byte[][] tail = (byte[][]) rest;
            byte[][] all = new byte[2 + tail.length][];
            all[0] = p0;
            all[1] = p1;
            System.arraycopy(tail, 0, all, 2, tail.length);
            return all;
        }
    }
}
