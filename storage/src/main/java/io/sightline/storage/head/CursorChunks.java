package io.sightline.storage.head;

import io.sightline.storage.chunk.ChunkBuffer;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;

import java.util.Arrays;

/**
 * One series' head chunks as a series cursor reads them ({@link HeadSeries#snapshot(long, long, CursorChunks)}):
 * the sealed chunks by reference (immutable) and the open chunk's bytes copied into this object's own buffer, all
 * overwritten for the cursor's next series. A dashboard query selects thousands of series; copying each open
 * chunk into a new array with its own chunk, array and view objects was half of what the query path allocated
 * (RESULTS.md, session 7 query-path allocation). Not thread-safe: one cursor, one thread.
 */
final class CursorChunks implements SeriesChunks {
    private SealedChunk[] sealed = new SealedChunk[4];
    private int sealedCount;
    private final ChunkBuffer open = new ChunkBuffer(256);
    private boolean hasOpen;
    private long openMinTime;
    private long openMaxTime;

    void clear() {
        Arrays.fill(sealed, 0, sealedCount, null); // the cursor does not keep chunks a cut may drop alive
        sealedCount = 0;
        hasOpen = false;
    }

    void addSealed(SealedChunk chunk) {
        if (sealedCount == sealed.length) {
            sealed = Arrays.copyOf(sealed, sealedCount << 1);
        }
        sealed[sealedCount++] = chunk;
    }

    /** The buffer to encode the open chunk into, emptied. */
    ChunkBuffer openBuffer() {
        open.clear();
        return open;
    }

    void setOpen(long minTime, long maxTime) {
        hasOpen = true;
        openMinTime = minTime;
        openMaxTime = maxTime;
    }

    @Override
    public int chunkCount() {
        return sealedCount + (hasOpen ? 1 : 0);
    }

    @Override
    public long minTime(int chunk) {
        return chunk < sealedCount ? sealed[chunk].minTime : openMinTime;
    }

    @Override
    public long maxTime(int chunk) {
        return chunk < sealedCount ? sealed[chunk].maxTime : openMaxTime;
    }

    @Override
    public void decode(int chunk, SampleBuffer into) {
        if (chunk < sealedCount) {
            sealed[chunk].decodeInto(into);
        } else {
            into.decode(open.array(), open.length());
        }
    }
}
