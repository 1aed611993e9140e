package io.sightline.storage.head;

import io.sightline.storage.chunk.ChunkBuffer;
import io.sightline.storage.chunk.ChunkEncoder;
import io.sightline.storage.chunk.ChunkIterator;
import io.sightline.storage.index.SampleBuffer;

/**
 * Per-thread codec scratch for the head: sealing, snapshots and out-of-order merges happen under a series
 * lock on whichever thread holds it (committer, block cutter, query), and the codec objects are not
 * thread-safe, so each thread keeps its own set.
 */
final class ChunkScratch {
    private static final ThreadLocal<ChunkScratch> SCRATCH = ThreadLocal.withInitial(ChunkScratch::new);

    final ChunkIterator iterator = new ChunkIterator();
    final ChunkEncoder encoder = new ChunkEncoder();
    final ChunkBuffer buffer = new ChunkBuffer(1024);
    final SampleBuffer samples = new SampleBuffer();

    private ChunkScratch() {
    }

    static ChunkScratch get() {
        return SCRATCH.get();
    }

    /** Encodes the samples given to {@link #encoder} into a new exact-size array. */
    byte[] encode() {
        buffer.clear();
        encoder.encode(buffer);
        return buffer.toByteArray();
    }
}
