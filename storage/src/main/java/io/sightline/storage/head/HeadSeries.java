package io.sightline.storage.head;

import io.sightline.storage.RejectReason;
import io.sightline.storage.chunk.HeadChunk;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One series in the head: sealed chunks plus an open chunk that takes appends. The series is its own open
 * chunk (it extends {@link HeadChunk}): one object per series instead of two, whose newest time and value
 * are the chunk's last ones rather than copies (at 100k series the separate chunk object, its pointer and the
 * copies cost ~40 B per series). Thread-safety: every method takes the series lock (the instance's monitor,
 * not a lock object of its own: 16 bytes per series); {@link #maxTime()} is also readable without it
 * (published with release semantics) for the appender's fast pre-check, which commit repeats under the lock.
 *
 * <p>The open chunk is cut after {@link #CHUNK_SAMPLES} samples or when a sample crosses a block
 * boundary, so that a block cut never splits a chunk.
 */
final class HeadSeries extends HeadChunk {
    static final int CHUNK_SAMPLES = HeadChunk.PROJECTED_SAMPLES;
    /** {@link #check} and {@link #apply} result: stored. */
    static final long ACCEPTED = 0;
    /** {@link #check} and {@link #apply} result: the very sample already exists; nothing to store. */
    static final long IDEMPOTENT = 1;

    private static final SealedChunk[] NO_CHUNKS = {};
    private static final byte LOGGED_TO_WAL = 1;
    private static final byte REMOVED = 2;

    final int id;
    final Labels labels;
    /**
     * {@link #LOGGED_TO_WAL} and {@link #REMOVED}, written under the head's log lock only (or while it
     * replays the WAL), so a read-modify-write of both in one byte loses neither; see {@link #isLoggedToWal()}
     * and {@link #isRemoved()}. One byte, not two booleans: with them the series would need 8 bytes more.
     */
    private volatile byte flags;
    /**
     * Milliseconds from the open chunk's first sample to the end (exclusive) of its block window, as an
     * unsigned int, set when it takes its first sample: saves two 64-bit divisions per appended sample, in
     * 4 bytes instead of a long end time. 0 when the window is longer than an unsigned int (blocks over ~49
     * days): then the divisions are made.
     */
    private int openWindowMillis;

    private SealedChunk[] sealed = NO_CHUNKS;

    HeadSeries(int id, Labels labels) {
        // The open chunk (this) takes in-order appends, compressed as they come; readers copy it under the
        // lock, never share it.
        super(CHUNK_SAMPLES);
        this.id = id;
        this.labels = labels;
    }

    /** Whether a series record for this series is in the WAL. */
    boolean isLoggedToWal() {
        return (flags & LOGGED_TO_WAL) != 0;
    }

    /** Sets {@link #isLoggedToWal()}; under the head's log lock (or during replay). */
    void setLoggedToWal(boolean isLogged) {
        flags = (byte) (isLogged ? flags | LOGGED_TO_WAL : flags & ~LOGGED_TO_WAL);
    }

    /** Whether truncation dropped the series; commits re-resolve it. Readable without a lock. */
    boolean isRemoved() {
        return (flags & REMOVED) != 0;
    }

    /** Marks the series dropped; under the head's log lock. */
    void markRemoved() {
        flags = (byte) (flags | REMOVED);
    }

    // maxTime(): the newest sample time, Long.MIN_VALUE when empty (the open chunk's last timestamp: it takes
    // every sample newer than the series had, and sealing keeps it). touch(): the lines an append reads and
    // writes, see HeadChunk.touch().

    /** Loads the fields an append checks (labels, newest time); see {@link io.sightline.storage.Appender#prefetch}. */
    int touchForAppend() {
        return (int) maxTime() ^ (labels == null ? 0 : 1);
    }

    /** Whether {@code (t, v)} would be accepted, without storing it: {@link #ACCEPTED}, {@link #IDEMPOTENT} or a reject code. */
    long check(long t, double v, long outOfOrderWindowMillis) {
        synchronized (this) {
            return classify(t, Double.doubleToRawLongBits(v), outOfOrderWindowMillis);
        }
    }

    /**
     * Stores one sample; returns what {@link #check} would. A chunk it seals goes to {@code files} when not
     * {@code null} (which the caller flushes).
     */
    long apply(long t, double v, long outOfOrderWindowMillis, long blockDurationMillis, HeadChunkFiles files) {
        synchronized (this) {
            return applyLocked(t, v, outOfOrderWindowMillis, blockDurationMillis, files);
        }
    }

    /**
     * Stores {@code count} samples from the arrays, starting at {@code from}, under one lock acquisition.
     * Rejections are added to {@code rejected} per reason ordinal; {@code bounds[0..1]} are lowered and
     * raised to the oldest and newest sample stored. Chunks it seals go to {@code files} as in {@link #apply}.
     */
    void applyAll(long[] ts, double[] vs, int from, int count, long minValidTime, long outOfOrderWindowMillis,
                  long blockDurationMillis, long[] rejected, long[] bounds, HeadChunkFiles files) {
        synchronized (this) {
            for (int i = from, end = from + count; i < end; i++) {
                long t = ts[i];
                long r = t < minValidTime ? RejectReason.OUT_OF_BOUNDS.code()
                        : applyLocked(t, vs[i], outOfOrderWindowMillis, blockDurationMillis, files);
                if (r < 0) {
                    rejected[RejectReason.ofCode(r).ordinal()]++;
                } else if (r == ACCEPTED) {
                    bounds[0] = Math.min(bounds[0], t);
                    bounds[1] = Math.max(bounds[1], t);
                }
            }
        }
    }

    private long applyLocked(long t, double v, long window, long blockDuration, HeadChunkFiles files) {
        long bits = Double.doubleToRawLongBits(v);
        long r = classify(t, bits, window);
        if (r != ACCEPTED) {
            return r;
        }
        if (t > maxTime()) {
            int n = count();
            if (n > 0 && (n >= CHUNK_SAMPLES || isPastOpenWindow(t, blockDuration))) {
                seal(files);
                n = 0;
            }
            append(t, v);
            if (n == 0) {
                setOpenWindow(blockDuration);
            }
        } else {
            insertOutOfOrder(t, v, blockDuration, files);
        }
        return ACCEPTED;
    }

    /** Whether {@code t}, after the open chunk's samples, lies past their block window. */
    private boolean isPastOpenWindow(long t, long blockDuration) {
        long span = openWindowMillis & 0xFFFF_FFFFL;
        if (span == 0) {
            return Math.floorDiv(t, blockDuration) != Math.floorDiv(minTime(), blockDuration);
        }
        return Long.compareUnsigned(t - minTime(), span) >= 0;
    }

    /** Sets {@link #openWindowMillis} from the open chunk's first sample. */
    private void setOpenWindow(long blockDuration) {
        long first = minTime();
        long span = (Math.floorDiv(first, blockDuration) + 1) * blockDuration - first;
        openWindowMillis = span > 0 && span <= 0xFFFF_FFFFL ? (int) span : 0;
    }

    private long classify(long t, long bits, long window) {
        long maxTime = maxTime();
        if (maxTime == Long.MIN_VALUE || t > maxTime) {
            return ACCEPTED;
        }
        if (t == maxTime) {
            return bits == lastValueBits() ? IDEMPOTENT : RejectReason.DUPLICATE.code();
        }
        if (window == 0 || t < maxTime - window) {
            return RejectReason.OUT_OF_ORDER.code();
        }
        int existing = compareExisting(t, bits);
        if (existing > 0) {
            return IDEMPOTENT;
        }
        return existing < 0 ? RejectReason.DUPLICATE.code() : ACCEPTED;
    }

    /** 0 when no sample at {@code t}, 1 when one with the same value bits, -1 when one with other bits. */
    private int compareExisting(long t, long bits) {
        SampleBuffer b = ChunkScratch.get().samples; // rare path: out-of-order samples only
        if (count() > 0 && t >= minTime()) {
            decodeOpen(b);
            int i = Arrays.binarySearch(b.timestamps, 0, b.count, t);
            return i < 0 ? 0 : (Double.doubleToRawLongBits(b.values[i]) == bits ? 1 : -1);
        }
        for (SealedChunk c : sealed) {
            if (t >= c.minTime && t <= c.maxTime) {
                c.decodeInto(b);
                int i = Arrays.binarySearch(b.timestamps, 0, b.count, t);
                return i < 0 ? 0 : (Double.doubleToRawLongBits(b.values[i]) == bits ? 1 : -1);
            }
        }
        return 0;
    }

    /** Closes the open chunk into a sealed one, queued to {@code files} when not {@code null}. */
    private void seal(HeadChunkFiles files) {
        ChunkScratch scratch = ChunkScratch.get();
        scratch.encoder.reset();
        scratch.encoder.appendAll(scratch.iterator.reset(this));
        SealedChunk chunk = new SealedChunk(minTime(), maxTime(), scratch.encode());
        SealedChunk[] next = Arrays.copyOf(sealed, sealed.length + 1);
        next[sealed.length] = chunk;
        sealed = next;
        resetFitted();
        if (files != null) {
            files.add(chunk);
        }
    }

    private void decodeOpen(SampleBuffer into) {
        ChunkScratch scratch = ChunkScratch.get();
        scratch.buffer.clear();
        int length = encodeTo(scratch.buffer);
        into.decode(scratch.buffer.array(), length);
    }

    /**
     * Inserts an older sample of the open chunk's block window into it by rebuilding it; rare (out-of-order
     * only). The window stays; its offset from the first sample moves with it.
     */
    private void insertOpen(long t, double v, long blockDuration) {
        SampleBuffer b = ChunkScratch.get().samples;
        decodeOpen(b);
        int at = -Arrays.binarySearch(b.timestamps, 0, b.count, t) - 1;
        reset();
        for (int i = 0; i < at; i++) {
            append(b.timestamps[i], b.values[i]);
        }
        append(t, v);
        for (int i = at; i < b.count; i++) {
            append(b.timestamps[i], b.values[i]);
        }
        setOpenWindow(blockDuration);
    }

    /**
     * Puts an older sample where it belongs: into the open chunk when it falls in its range, else into
     * the sealed chunk of the same block window that precedes or follows it (a new instance, readers keep
     * the old one), else into a chunk of its own.
     */
    private void insertOutOfOrder(long t, double v, long blockDuration, HeadChunkFiles files) {
        long window = Math.floorDiv(t, blockDuration);
        if (count() > 0 && t >= minTime()) {
            insertOpen(t, v, blockDuration);
            return;
        }
        int before = -1;
        for (int i = 0; i < sealed.length && sealed[i].minTime <= t; i++) {
            before = i;
        }
        if (before >= 0 && Math.floorDiv(sealed[before].minTime, blockDuration) == window) {
            replaceSealed(before, t, v, files);
            return;
        }
        int after = before + 1;
        if (after < sealed.length) {
            if (Math.floorDiv(sealed[after].minTime, blockDuration) == window) {
                replaceSealed(after, t, v, files);
                return;
            }
        } else if (count() > 0 && Math.floorDiv(minTime(), blockDuration) == window) {
            insertOpen(t, v, blockDuration);
            return;
        }
        SealedChunk[] next = new SealedChunk[sealed.length + 1];
        System.arraycopy(sealed, 0, next, 0, after);
        next[after] = SealedChunk.of(new long[] {t}, new double[] {v}, 1);
        System.arraycopy(sealed, after, next, after + 1, sealed.length - after);
        sealed = next;
    }

    /** The merged chunk stays on the heap: a series that takes one out-of-order sample often takes more. */
    private void replaceSealed(int index, long t, double v, HeadChunkFiles files) {
        SampleBuffer b = ChunkScratch.get().samples;
        sealed[index].decodeInto(b);
        int n = b.count;
        long[] ts = Arrays.copyOf(b.timestamps, n + 1);
        double[] vs = Arrays.copyOf(b.values, n + 1);
        int at = -Arrays.binarySearch(ts, 0, n, t) - 1;
        System.arraycopy(ts, at, ts, at + 1, n - at);
        System.arraycopy(vs, at, vs, at + 1, n - at);
        ts[at] = t;
        vs[at] = v;
        SealedChunk[] next = sealed.clone();
        SealedChunk old = next[index];
        next[index] = SealedChunk.of(ts, vs, n + 1);
        sealed = next;
        if (files != null) {
            files.release(old);
        }
    }

    /**
     * The chunks wholly before {@code maxt}, sealing the open chunk first when it is (a chunk never spans a
     * block boundary, and {@code maxt} is one).
     */
    List<SealedChunk> chunksBefore(long maxt) {
        synchronized (this) {
            if (count() > 0 && minTime() < maxt) {
                seal(null); // into the block right away: not worth a write
            }
            List<SealedChunk> out = new ArrayList<>();
            for (SealedChunk c : sealed) {
                if (c.minTime < maxt) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    /**
     * The chunks starting in {@code [mint, maxt)}, a block-aligned window, without changing the series: the
     * open chunk is encoded into a sealed copy (as {@link #seal} would) and stays open. For snapshots.
     */
    List<SealedChunk> chunksIn(long mint, long maxt) {
        synchronized (this) {
            List<SealedChunk> out = new ArrayList<>();
            for (SealedChunk c : sealed) {
                if (c.minTime >= mint && c.minTime < maxt) {
                    out.add(c);
                }
            }
            if (count() > 0 && minTime() >= mint && minTime() < maxt) {
                ChunkScratch scratch = ChunkScratch.get();
                scratch.encoder.reset();
                scratch.encoder.appendAll(scratch.iterator.reset(this));
                out.add(new SealedChunk(minTime(), maxTime(), scratch.encode()));
            }
            return out;
        }
    }

    /**
     * Drops the chunks before {@code t} (a block boundary), releasing them from {@code files} when not
     * {@code null}; returns whether nothing is left.
     */
    boolean dropBefore(long t, HeadChunkFiles files) {
        synchronized (this) {
            int keep = 0;
            while (keep < sealed.length && sealed[keep].minTime < t) {
                if (files != null) {
                    files.release(sealed[keep]);
                }
                keep++;
            }
            if (keep > 0) {
                sealed = Arrays.copyOfRange(sealed, keep, sealed.length);
            }
            return sealed.length == 0 && count() == 0;
        }
    }

    /** Sealed chunks whose bytes are on the heap (not in the chunk files). */
    int sealedOnHeap() {
        synchronized (this) {
            int n = 0;
            for (SealedChunk c : sealed) {
                n += c.heapBytes() != null ? 1 : 0;
            }
            return n;
        }
    }

    /** The oldest sample time, {@code Long.MAX_VALUE} when empty. */
    long oldestTime() {
        synchronized (this) {
            if (sealed.length > 0) {
                return sealed[0].minTime;
            }
            return count() > 0 ? minTime() : Long.MAX_VALUE;
        }
    }

    /**
     * An immutable view of the chunks overlapping {@code [mint, maxt]}, or {@code null} when no sample of
     * the series lies in that range. The open chunk is copied, so later appends do not show.
     */
    SeriesChunks snapshot(long mint, long maxt) {
        return snapshot(mint, maxt, null);
    }

    /**
     * As {@link #snapshot(long, long)}, into {@code cursor}'s reused object when it is not {@code null} (valid until
     * the cursor's next snapshot).
     */
    SeriesChunks snapshot(long mint, long maxt, CursorChunks cursor) {
        synchronized (this) {
            int first = 0;
            while (first < sealed.length && sealed[first].maxTime < mint) {
                first++;
            }
            int end = first;
            while (end < sealed.length && sealed[end].minTime <= maxt) {
                end++;
            }
            boolean hasOpen = count() > 0 && minTime() <= maxt && maxTime() >= mint;
            if (end == first && !hasOpen) {
                return null;
            }
            SeriesChunks chunks = cursor == null ? copy(first, end, hasOpen) : fill(cursor, first, end, hasOpen);
            return hasSampleIn(chunks, mint, maxt) ? chunks : null;
        }
    }

    private HeadChunks copy(int first, int end, boolean hasOpen) {
        SealedChunk[] chunks = new SealedChunk[end - first + (hasOpen ? 1 : 0)];
        System.arraycopy(sealed, first, chunks, 0, end - first);
        if (hasOpen) {
            ChunkScratch scratch = ChunkScratch.get();
            scratch.buffer.clear();
            encodeTo(scratch.buffer);
            chunks[chunks.length - 1] = new SealedChunk(minTime(), maxTime(), scratch.buffer.toByteArray());
        }
        return new HeadChunks(chunks);
    }

    private CursorChunks fill(CursorChunks cursor, int first, int end, boolean hasOpen) {
        cursor.clear();
        for (int i = first; i < end; i++) {
            cursor.addSealed(sealed[i]);
        }
        if (hasOpen) {
            encodeTo(cursor.openBuffer());
            cursor.setOpen(minTime(), maxTime());
        }
        return cursor;
    }

    /** Chunks overlapping the range may still have no sample inside it (a gap); check the edges. */
    private static boolean hasSampleIn(SeriesChunks chunks, long mint, long maxt) {
        for (int c = 0; c < chunks.chunkCount(); c++) {
            long min = chunks.minTime(c);
            long max = chunks.maxTime(c);
            if ((min >= mint && min <= maxt) || (max >= mint && max <= maxt)) {
                return true;
            }
            if (min < mint && max > maxt) {
                SampleBuffer b = ChunkScratch.get().samples;
                chunks.decode(c, b);
                int i = Arrays.binarySearch(b.timestamps, 0, b.count, mint);
                int at = i < 0 ? -i - 1 : i;
                if (at < b.count && b.timestamps[at] <= maxt) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Chunks of a series snapshot; immutable. */
    private record HeadChunks(SealedChunk[] chunks) implements SeriesChunks {
        @Override
        public int chunkCount() {
            return chunks.length;
        }

        @Override
        public long minTime(int chunk) {
            return chunks[chunk].minTime;
        }

        @Override
        public long maxTime(int chunk) {
            return chunks[chunk].maxTime;
        }

        @Override
        public void decode(int chunk, SampleBuffer into) {
            chunks[chunk].decodeInto(into);
        }
    }
}
