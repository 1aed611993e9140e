package io.sightline.storage.block;

import io.sightline.storage.index.SampleBuffer;

/** Counts the samples of encoded chunks, for block statistics. Not thread-safe. */
final class ChunkSamples {
    private final SampleBuffer scratch = new SampleBuffer();

    int count(ChunkSlice c) {
        return scratch.countOf(c.data(), c.offset(), c.length());
    }
}
