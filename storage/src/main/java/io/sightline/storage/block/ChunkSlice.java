package io.sightline.storage.block;

import java.lang.foreign.MemorySegment;

/**
 * The encoded bytes of one chunk, wherever they live (a head chunk's array, a mapped block file), with
 * its time range. Valid while its source is.
 */
public record ChunkSlice(long minTime, long maxTime, MemorySegment data, long offset, int length) {
    public static ChunkSlice of(long minTime, long maxTime, byte[] bytes) {
        return new ChunkSlice(minTime, maxTime, MemorySegment.ofArray(bytes), 0, bytes.length);
    }
}
