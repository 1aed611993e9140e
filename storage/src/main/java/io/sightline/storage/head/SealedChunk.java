package io.sightline.storage.head;

import io.sightline.storage.index.SampleBuffer;

/**
 * An encoded, immutable run of samples of one series (chunk format, see storage/docs/format/chunk.md)
 * that no longer takes appends. Shared freely between the writer, readers and the block writer: a change
 * (an out-of-order sample merged in) makes a new instance.
 */
public final class SealedChunk {
    final long minTime;
    final long maxTime;
    final int count;
    private final byte[] bytes;

    SealedChunk(long minTime, long maxTime, int count, byte[] bytes) {
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.count = count;
        this.bytes = bytes;
    }

    /** Encodes {@code count >= 1} samples from the arrays in the smallest codec. */
    static SealedChunk of(long[] timestamps, double[] values, int count) {
        ChunkScratch scratch = ChunkScratch.get();
        scratch.encoder.reset();
        for (int i = 0; i < count; i++) {
            scratch.encoder.append(timestamps[i], values[i]);
        }
        return new SealedChunk(timestamps[0], timestamps[count - 1], count, scratch.encode());
    }

    public long minTime() {
        return minTime;
    }

    public long maxTime() {
        return maxTime;
    }

    public int count() {
        return count;
    }

    /** The encoded chunk; never modify it. */
    public byte[] bytes() {
        return bytes;
    }

    void decodeInto(SampleBuffer into) {
        into.decode(bytes, bytes.length);
    }
}
