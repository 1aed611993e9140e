package io.sightline.storage.head;

import io.sightline.storage.block.ChunkSlice;
import io.sightline.storage.index.SampleBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-encodes a series' head chunks into fewer, longer chunks for a block. The head cuts chunks at 120
 * samples to bound the cost of appends and reads on recent data; a block is written once and read mostly
 * by range queries, where one chunk per series per block spreads the fixed per-chunk cost (header, packed
 * layout, CRC, index entry) over 4x the samples: about 0.1 byte per sample less at a 15 s interval.
 * Runs on the block cutter's thread; not thread-safe.
 */
final class BlockChunkMerger {
    /** Two hours of 15 s samples: one chunk per series in a default block. */
    static final int MAX_BLOCK_CHUNK_SAMPLES = 480;

    private BlockChunkMerger() {
    }

    /** Chunk file bytes are read through {@code view} (see {@link HeadChunkFiles.View}). */
    static List<ChunkSlice> merge(List<SealedChunk> chunks, HeadChunkFiles.View view) {
        List<ChunkSlice> out = new ArrayList<>(2);
        if (chunks.size() == 1) {
            out.add(chunks.getFirst().toSlice(view));
            return out;
        }
        ChunkScratch scratch = ChunkScratch.get();
        SampleBuffer decoded = scratch.samples;
        scratch.encoder.reset();
        long first = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        for (SealedChunk c : chunks) {
            c.decodeInto(decoded, view);
            for (int i = 0; i < decoded.count; i++) {
                if (scratch.encoder.size() == MAX_BLOCK_CHUNK_SAMPLES) {
                    out.add(ChunkSlice.of(first, last, scratch.encode()));
                    scratch.encoder.reset();
                }
                long t = decoded.timestamps[i];
                if (scratch.encoder.size() == 0) {
                    first = t;
                }
                scratch.encoder.append(t, decoded.values[i]);
                last = t;
            }
        }
        out.add(ChunkSlice.of(first, last, scratch.encode()));
        return out;
    }
}
