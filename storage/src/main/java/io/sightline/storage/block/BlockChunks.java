package io.sightline.storage.block;

import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;

import java.util.Arrays;

/** The chunks of one series in one block that overlap a querier's range. Immutable. */
final class BlockChunks implements SeriesChunks {
    private final BlockReader block;
    private final long[] minTimes;
    private final long[] maxTimes;
    private final long[] refs;
    private final int[] lengths;

    BlockChunks(BlockReader block, long[] minTimes, long[] maxTimes, long[] refs, int[] lengths) {
        this.block = block;
        this.minTimes = minTimes;
        this.maxTimes = maxTimes;
        this.refs = refs;
        this.lengths = lengths;
    }

    @Override
    public int chunkCount() {
        return refs.length;
    }

    @Override
    public long minTime(int chunk) {
        return minTimes[chunk];
    }

    @Override
    public long maxTime(int chunk) {
        return maxTimes[chunk];
    }

    @Override
    public void decode(int chunk, SampleBuffer into) {
        block.decode(refs[chunk], lengths[chunk], minTimes[chunk], maxTimes[chunk], into);
    }

    /** Whether a sample lies in {@code [mint, maxt]}: only a chunk straddling the whole range needs decoding. */
    boolean hasSampleIn(long mint, long maxt, SampleBuffer b) {
        for (int i = 0; i < refs.length; i++) {
            if ((minTimes[i] >= mint && minTimes[i] <= maxt) || (maxTimes[i] >= mint && maxTimes[i] <= maxt)) {
                return true;
            }
            decode(i, b);
            int at = Arrays.binarySearch(b.timestamps, 0, b.count, mint);
            at = at < 0 ? -at - 1 : at;
            if (at < b.count && b.timestamps[at] <= maxt) {
                return true;
            }
        }
        return false;
    }
}
