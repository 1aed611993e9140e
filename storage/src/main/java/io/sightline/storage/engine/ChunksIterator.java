package io.sightline.storage.engine;

import io.sightline.storage.SampleIterator;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;

/**
 * Walks the chunks of one series across parts (blocks oldest first, then the head), keeping samples in
 * {@code [mint, maxt]} and skipping any at or before the last one returned, which drops duplicates where
 * parts meet. Decodes one chunk at a time into a reused buffer; no allocation per sample. Not thread-safe.
 */
final class ChunksIterator implements SampleIterator {
    private final SampleBuffer buffer = new SampleBuffer();
    /** The parts array of a series held by one part only, reused so such a series needs no array of its own. */
    private final SeriesChunks[] onePart = new SeriesChunks[1];
    private SeriesChunks[] parts;
    private long mint;
    private long maxt;
    private int part;
    private int chunk;
    private int pos;
    private long lastT;
    private boolean isDone;

    ChunksIterator reset(SeriesChunks only, long mint, long maxt) {
        onePart[0] = only;
        return reset(onePart, mint, maxt);
    }

    ChunksIterator reset(SeriesChunks[] parts, long mint, long maxt) {
        this.parts = parts;
        this.mint = mint;
        this.maxt = maxt;
        this.part = 0;
        this.chunk = -1;
        this.pos = 0;
        this.lastT = Long.MIN_VALUE;
        this.isDone = false;
        buffer.count = 0;
        return this;
    }

    @Override
    public boolean next() {
        while (!isDone) {
            while (++pos < buffer.count) {
                long t = buffer.timestamps[pos];
                if (t < mint || t <= lastT) {
                    continue;
                }
                if (t > maxt) {
                    break;
                }
                lastT = t;
                return true;
            }
            loadNextChunk(Math.max(mint, lastT == Long.MIN_VALUE ? Long.MIN_VALUE : lastT + 1));
        }
        return false;
    }

    /** Decodes the next chunk that may hold a sample at or after {@code from}; marks the end when none. */
    private void loadNextChunk(long from) {
        while (part < parts.length) {
            SeriesChunks p = parts[part];
            while (++chunk < p.chunkCount()) {
                if (p.maxTime(chunk) < from) {
                    continue;
                }
                if (p.minTime(chunk) > maxt) {
                    break;
                }
                p.decode(chunk, buffer);
                pos = -1;
                return;
            }
            part++;
            chunk = -1;
        }
        isDone = true;
        buffer.count = 0;
    }

    @Override
    public boolean seek(long t) {
        if (lastT != Long.MIN_VALUE && lastT >= t) {
            return true;
        }
        if (isDone) {
            return false;
        }
        long from = Math.max(t, mint);
        if (buffer.count == 0 || buffer.timestamps[buffer.count - 1] < from) {
            loadNextChunk(from);
            if (isDone) {
                return false;
            }
        }
        // Position just before the first sample >= from in the buffer, then let next() filter.
        int lo = Math.max(pos, 0);
        int hi = buffer.count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (buffer.timestamps[mid] < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        pos = lo - 1;
        return next();
    }

    /** Copies the run of the decoded chunk that needs no filtering (rising, within both ends) in one go. */
    @Override
    public int copy(long maxT, long[] ts, double[] values, int at) {
        if (lastT > maxT || at >= ts.length) {
            return 0;
        }
        long limit = Math.min(maxT, maxt);
        long[] bt = buffer.timestamps;
        int first = pos;
        int stop = Math.min(buffer.count, first + (ts.length - at));
        int end = first + 1;
        // The current sample passed next()'s filters; a strictly rising run after it passes them too.
        while (end < stop && bt[end] <= limit && bt[end] > bt[end - 1]) {
            end++;
        }
        int n = end - first;
        System.arraycopy(bt, first, ts, at, n);
        System.arraycopy(buffer.values, first, values, at, n);
        pos = end - 1;
        lastT = bt[pos];
        return n;
    }

    @Override
    public long timestamp() {
        return lastT;
    }

    @Override
    public double value() {
        return buffer.values[pos];
    }
}
