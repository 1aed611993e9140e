package io.sightline.storage.head;

import io.sightline.storage.block.ChunkSlice;
import io.sightline.storage.index.SampleBuffer;

/**
 * An encoded, immutable run of samples of one series (chunk format, see storage/docs/format/chunk.md)
 * that no longer takes appends. Shared freely between the writer, readers and the block writer: a change
 * (an out-of-order sample merged in) makes a new instance.
 *
 * <p>Its bytes start on the heap and may move once to the head's chunk files ({@link HeadChunkFiles}), which
 * the process reads through a mapping and so holds in memory only while queries touch them. The move sets the
 * file position first and then clears the heap array (a volatile write), so a reader that sees no array sees
 * the position.
 */
public final class SealedChunk {
    final long minTime;
    final long maxTime;
    final int count;
    private final int length;
    private int offset;
    private HeadChunkFiles.Segment segment;
    private volatile byte[] bytes;

    SealedChunk(long minTime, long maxTime, int count, byte[] bytes) {
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.count = count;
        this.length = bytes.length;
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

    /** Encoded bytes. */
    int length() {
        return length;
    }

    /** The heap array, {@code null} once the bytes are in a chunk file; never modify it. */
    byte[] heapBytes() {
        return bytes;
    }

    /** The chunk file segment holding the bytes, {@code null} while they are on the heap. */
    HeadChunkFiles.Segment segment() {
        return bytes == null ? segment : null;
    }

    int offset() {
        return offset;
    }

    /** Points the chunk at its copy in {@code to} and lets the heap array go; by the chunk files, once. */
    void movedTo(HeadChunkFiles.Segment to, int at) {
        this.segment = to;
        this.offset = at;
        this.bytes = null;
    }

    void decodeInto(SampleBuffer into) {
        byte[] b = bytes;
        if (b != null) {
            into.decode(b, b.length);
        } else {
            into.decode(segment.map, offset, length);
        }
    }

    /** As {@link #decodeInto(SampleBuffer)}, reading a chunk file through {@code view}'s own mapping. */
    void decodeInto(SampleBuffer into, HeadChunkFiles.View view) {
        byte[] b = bytes;
        if (b != null) {
            into.decode(b, b.length);
        } else {
            into.decode(view.map(segment), offset, length);
        }
    }

    /** The bytes as block input, copied to the heap when they are in a chunk file (read through {@code view}). */
    ChunkSlice toSlice(HeadChunkFiles.View view) {
        byte[] b = bytes;
        if (b == null) {
            b = view.map(segment).asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
        return ChunkSlice.of(minTime, maxTime, b);
    }
}
