package io.sightline.storage.head;

import io.sightline.storage.RejectReason;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;

import java.util.Arrays;

/**
 * One series in the head: sealed chunks plus an open chunk that takes appends. Thread-safety: every
 * method takes the series lock; {@link #maxTime()} is also readable without it (volatile) for the
 * appender's fast pre-check, which commit repeats under the lock.
 *
 * <p>The open chunk is cut after {@link #CHUNK_SAMPLES} samples or when a sample crosses a block
 * boundary, so that a block cut never splits a chunk.
 */
final class HeadSeries {
    static final int CHUNK_SAMPLES = 120;
    /** {@link #check} and {@link #apply} result: stored. */
    static final long ACCEPTED = 0;
    /** {@link #check} and {@link #apply} result: the very sample already exists; nothing to store. */
    static final long IDEMPOTENT = 1;

    private static final SealedChunk[] NO_CHUNKS = {};

    final int id;
    final Labels labels;
    /** Set under the head's commit lock once a series record for this series is in the WAL. */
    boolean isLoggedToWal;

    private final Object lock = new Object();
    private volatile long maxTime = Long.MIN_VALUE;
    private long lastValueBits;
    private SealedChunk[] sealed = NO_CHUNKS;
    private long[] openTs = new long[8];
    private double[] openVs = new double[8];
    private int openCount;

    HeadSeries(int id, Labels labels) {
        this.id = id;
        this.labels = labels;
    }

    /** The newest sample time, {@code Long.MIN_VALUE} when empty. */
    long maxTime() {
        return maxTime;
    }

    boolean isEmpty() {
        synchronized (lock) {
            return openCount == 0 && sealed.length == 0;
        }
    }

    /** Whether {@code (t, v)} would be accepted, without storing it: {@link #ACCEPTED}, {@link #IDEMPOTENT} or a reject code. */
    long check(long t, double v, long outOfOrderWindowMillis) {
        synchronized (lock) {
            return classify(t, Double.doubleToRawLongBits(v), outOfOrderWindowMillis);
        }
    }

    /** Stores one sample; returns what {@link #check} would. */
    long apply(long t, double v, long outOfOrderWindowMillis, long blockDurationMillis) {
        synchronized (lock) {
            return applyLocked(t, v, outOfOrderWindowMillis, blockDurationMillis);
        }
    }

    /**
     * Stores {@code count} samples from the arrays, starting at {@code from}, under one lock acquisition.
     * Rejections are added to {@code rejected} per reason ordinal.
     */
    void applyAll(long[] ts, double[] vs, int from, int count, long minValidTime, long outOfOrderWindowMillis,
                  long blockDurationMillis, long[] rejected) {
        synchronized (lock) {
            for (int i = from, end = from + count; i < end; i++) {
                long r = ts[i] < minValidTime ? RejectReason.OUT_OF_BOUNDS.code()
                        : applyLocked(ts[i], vs[i], outOfOrderWindowMillis, blockDurationMillis);
                if (r < 0) {
                    rejected[RejectReason.ofCode(r).ordinal()]++;
                }
            }
        }
    }

    private long applyLocked(long t, double v, long window, long blockDuration) {
        long bits = Double.doubleToRawLongBits(v);
        long r = classify(t, bits, window);
        if (r != ACCEPTED) {
            return r;
        }
        if (t > maxTime) {
            if (openCount > 0 && (openCount >= CHUNK_SAMPLES
                    || Math.floorDiv(t, blockDuration) != Math.floorDiv(openTs[0], blockDuration))) {
                seal();
            }
            insertOpen(openCount, t, v);
            maxTime = t;
            lastValueBits = bits;
        } else {
            insertOutOfOrder(t, v, blockDuration);
        }
        return ACCEPTED;
    }

    private long classify(long t, long bits, long window) {
        if (maxTime == Long.MIN_VALUE || t > maxTime) {
            return ACCEPTED;
        }
        if (t == maxTime) {
            return bits == lastValueBits ? IDEMPOTENT : RejectReason.DUPLICATE.code();
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
        if (openCount > 0 && t >= openTs[0]) {
            int i = Arrays.binarySearch(openTs, 0, openCount, t);
            return i < 0 ? 0 : (Double.doubleToRawLongBits(openVs[i]) == bits ? 1 : -1);
        }
        for (SealedChunk c : sealed) {
            if (t >= c.minTime && t <= c.maxTime) {
                for (int i = 0; i < c.count(); i++) {
                    if (c.timestamp(i) == t) {
                        return Double.doubleToRawLongBits(c.value(i)) == bits ? 1 : -1;
                    }
                }
                return 0;
            }
        }
        return 0;
    }

    private void seal() {
        SealedChunk[] next = Arrays.copyOf(sealed, sealed.length + 1);
        next[sealed.length] = SealedChunk.of(openTs, openVs, openCount);
        sealed = next;
        openCount = 0;
    }

    private void insertOpen(int at, long t, double v) {
        if (openCount == openTs.length) {
            int size = openTs.length * 2;
            openTs = Arrays.copyOf(openTs, size);
            openVs = Arrays.copyOf(openVs, size);
        }
        System.arraycopy(openTs, at, openTs, at + 1, openCount - at);
        System.arraycopy(openVs, at, openVs, at + 1, openCount - at);
        openTs[at] = t;
        openVs[at] = v;
        openCount++;
    }

    /**
     * Puts an older sample where it belongs: into the open chunk when it falls in its range, else into
     * the sealed chunk of the same block window that precedes or follows it (a new instance, readers keep
     * the old one), else into a chunk of its own.
     */
    private void insertOutOfOrder(long t, double v, long blockDuration) {
        long window = Math.floorDiv(t, blockDuration);
        if (openCount > 0 && t >= openTs[0]) {
            insertOpen(-Arrays.binarySearch(openTs, 0, openCount, t) - 1, t, v);
            return;
        }
        int before = -1;
        for (int i = 0; i < sealed.length && sealed[i].minTime <= t; i++) {
            before = i;
        }
        if (before >= 0 && Math.floorDiv(sealed[before].minTime, blockDuration) == window) {
            replaceSealed(before, t, v);
            return;
        }
        int after = before + 1;
        if (after < sealed.length) {
            if (Math.floorDiv(sealed[after].minTime, blockDuration) == window) {
                replaceSealed(after, t, v);
                return;
            }
        } else if (openCount > 0 && Math.floorDiv(openTs[0], blockDuration) == window) {
            insertOpen(0, t, v);
            return;
        }
        SealedChunk[] next = new SealedChunk[sealed.length + 1];
        System.arraycopy(sealed, 0, next, 0, after);
        next[after] = SealedChunk.of(new long[] {t}, new double[] {v}, 1);
        System.arraycopy(sealed, after, next, after + 1, sealed.length - after);
        sealed = next;
    }

    private void replaceSealed(int index, long t, double v) {
        SealedChunk old = sealed[index];
        int n = old.count();
        long[] ts = new long[n + 1];
        double[] vs = new double[n + 1];
        old.decodeInto(ts, vs);
        int at = -Arrays.binarySearch(ts, 0, n, t) - 1;
        System.arraycopy(ts, at, ts, at + 1, n - at);
        System.arraycopy(vs, at, vs, at + 1, n - at);
        ts[at] = t;
        vs[at] = v;
        SealedChunk[] next = sealed.clone();
        next[index] = SealedChunk.of(ts, vs, n + 1);
        sealed = next;
    }

    /** The oldest sample time, {@code Long.MAX_VALUE} when empty. */
    long minTime() {
        synchronized (lock) {
            if (sealed.length > 0) {
                return sealed[0].minTime;
            }
            return openCount > 0 ? openTs[0] : Long.MAX_VALUE;
        }
    }

    /**
     * An immutable view of the chunks overlapping {@code [mint, maxt]}, or {@code null} when no sample of
     * the series lies in that range. The open chunk is copied, so later appends do not show.
     */
    SeriesChunks snapshot(long mint, long maxt) {
        synchronized (lock) {
            int first = 0;
            while (first < sealed.length && sealed[first].maxTime < mint) {
                first++;
            }
            int end = first;
            while (end < sealed.length && sealed[end].minTime <= maxt) {
                end++;
            }
            SealedChunk open = null;
            if (openCount > 0 && openTs[0] <= maxt && openTs[openCount - 1] >= mint) {
                open = SealedChunk.of(openTs, openVs, openCount);
            }
            int n = end - first + (open == null ? 0 : 1);
            if (n == 0) {
                return null;
            }
            SealedChunk[] chunks = new SealedChunk[n];
            System.arraycopy(sealed, first, chunks, 0, end - first);
            if (open != null) {
                chunks[n - 1] = open;
            }
            if (!hasSampleIn(chunks, mint, maxt)) {
                return null;
            }
            return new HeadChunks(chunks);
        }
    }

    /** Chunks overlapping the range may still have no sample inside it (a gap); check the edges. */
    private static boolean hasSampleIn(SealedChunk[] chunks, long mint, long maxt) {
        for (SealedChunk c : chunks) {
            if ((c.minTime >= mint && c.minTime <= maxt) || (c.maxTime >= mint && c.maxTime <= maxt)) {
                return true;
            }
            for (int i = 0; i < c.count(); i++) {
                long t = c.timestamp(i);
                if (t > maxt) {
                    break;
                }
                if (t >= mint) {
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
            SealedChunk c = chunks[chunk];
            into.ensureCapacity(c.count());
            c.decodeInto(into.timestamps, into.values);
            into.count = c.count();
        }
    }
}
