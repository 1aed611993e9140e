package io.sightline.storage.block;

import io.sightline.storage.index.SampleBuffer;

/** Counts the samples of an encoded chunk, for block statistics. */
final class ChunkSamples {
    private ChunkSamples() {
    }

    static int count(ChunkSlice c) {
        return SampleBuffer.countOf(c.data(), c.offset(), c.length());
    }
}
