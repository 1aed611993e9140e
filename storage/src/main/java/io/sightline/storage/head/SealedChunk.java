package io.sightline.storage.head;

import io.sightline.storage.block.ChunkSlice;
import io.sightline.storage.index.SampleBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * An encoded, immutable run of samples of one series (chunk format, see storage/docs/format/chunk.md)
 * that no longer takes appends. Shared freely between the writer, readers and the block writer: a change
 * (an out-of-order sample merged in) makes a new instance.
 *
 * <p>Its bytes start on the heap and may move once to the head's chunk files ({@link HeadChunkFiles}), which
 * the process reads through a mapping and so holds in memory only while queries touch them. The move sets the
 * file position first and then replaces the array by the segment (a volatile write), so a reader that sees the
 * segment sees the position.
 */
public final class SealedChunk {
    /** The little-endian uint16 before each chunk in a chunk file: its length. */
    static final ValueLayout.OfShort LENGTH_PREFIX = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The longest chunk a file takes (its length prefix's range); longer ones stay on the heap. */
    static final int MAX_FILE_LENGTH = 0xFFFF;

    final long minTime;
    final long maxTime;
    /** Where the length prefix is in {@link #data}'s segment; set before data points there. */
    private int offset;
    /**
     * The encoded bytes ({@code byte[]}) or the chunk file segment holding them ({@link HeadChunkFiles.Segment}),
     * one field for both so that a chunk is 32 bytes (its sample count is in its header, its length in the file).
     */
    private volatile Object data;

    SealedChunk(long minTime, long maxTime, byte[] bytes) {
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.data = bytes;
    }

    /** Encodes {@code count >= 1} samples from the arrays in the smallest codec. */
    static SealedChunk of(long[] timestamps, double[] values, int count) {
        ChunkScratch scratch = ChunkScratch.get();
        scratch.encoder.reset();
        for (int i = 0; i < count; i++) {
            scratch.encoder.append(timestamps[i], values[i]);
        }
        return new SealedChunk(timestamps[0], timestamps[count - 1], scratch.encode());
    }

    public long minTime() {
        return minTime;
    }

    public long maxTime() {
        return maxTime;
    }

    /** The heap array, {@code null} once the bytes are in a chunk file; never modify it. */
    byte[] heapBytes() {
        return data instanceof byte[] b ? b : null;
    }

    /** The chunk file segment holding the bytes, {@code null} while they are on the heap. */
    HeadChunkFiles.Segment segment() {
        return data instanceof HeadChunkFiles.Segment s ? s : null;
    }

    /** Points the chunk at its copy (length prefix at {@code at}) in {@code to}; by the chunk files, once. */
    void movedTo(HeadChunkFiles.Segment to, int at) {
        this.offset = at;
        this.data = to;
    }

    void decodeInto(SampleBuffer into) {
        Object d = data;
        if (d instanceof byte[] b) {
            into.decode(b, b.length);
        } else {
            decodeMapped(((HeadChunkFiles.Segment) d).map, into);
        }
    }

    /** As {@link #decodeInto(SampleBuffer)}, reading a chunk file through {@code view}'s own mapping. */
    void decodeInto(SampleBuffer into, HeadChunkFiles.View view) {
        Object d = data;
        if (d instanceof byte[] b) {
            into.decode(b, b.length);
        } else {
            decodeMapped(view.map((HeadChunkFiles.Segment) d), into);
        }
    }

    private void decodeMapped(MemorySegment map, SampleBuffer into) {
        into.decode(map, offset + Short.BYTES, map.get(LENGTH_PREFIX, offset) & 0xFFFF);
    }

    /** The bytes as block input, copied to the heap when they are in a chunk file (read through {@code view}). */
    ChunkSlice toSlice(HeadChunkFiles.View view) {
        Object d = data;
        if (d instanceof byte[] b) {
            return ChunkSlice.of(minTime, maxTime, b);
        }
        MemorySegment map = view.map((HeadChunkFiles.Segment) d);
        int length = map.get(LENGTH_PREFIX, offset) & 0xFFFF;
        return ChunkSlice.of(minTime, maxTime, map.asSlice(offset + Short.BYTES, length).toArray(ValueLayout.JAVA_BYTE));
    }
}
