package io.sightline.storage.chunk;

import io.sightline.storage.StorageException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The header a chunk gets in a block's chunks file ({@link ChunkFormat#BLOCK_VERSION}): version, encodings,
 * count and timestamp column length, without the time range the block index holds anyway (7 to 10 bytes
 * less per chunk; at ~100 samples per series that is 0.1 byte per sample). A version-1 chunk (from the head)
 * is given the new header in front of its unchanged columns; a version-2 chunk (from another block) is kept
 * as it is. Reusable, not thread-safe.
 */
public final class BlockChunkHeader {
    private final byte[] header = new byte[2 + 5 + 5];
    private final ByteCursor in = new ByteCursor();
    private final byte[] scratch = new byte[ChunkFormat.MAX_HEADER_BYTES];
    private int length;
    private int replaced;

    /**
     * Reads the header of the chunk at {@code segment[offset, offset + chunkLength)}, whose first and last
     * timestamps are {@code minTime} and {@code maxTime}.
     *
     * @throws StorageException when the header is damaged or a version-1 header's time range differs
     */
    public BlockChunkHeader of(MemorySegment segment, long offset, int chunkLength, long minTime, long maxTime) {
        int n = Math.min(chunkLength, scratch.length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, scratch, 0, n);
        try {
            in.of(scratch, 0, n);
            int version = in.readByte();
            if (version == ChunkFormat.BLOCK_VERSION) {
                length = 0;
                replaced = 0;
                return this;
            }
            if (version != ChunkFormat.VERSION) {
                throw new IllegalArgumentException("version " + version + " is not " + ChunkFormat.VERSION + " or "
                        + ChunkFormat.BLOCK_VERSION);
            }
            int encodings = in.readByte();
            long count = in.readUvarint();
            long first = Zigzag.decode(in.readUvarint());
            long last = first + in.readUvarint();
            long timestampBytes = in.readUvarint();
            if (first != minTime || last != maxTime) {
                throw new IllegalArgumentException("header time range [" + first + ", " + last + "] is not the chunk's ["
                        + minTime + ", " + maxTime + "]");
            }
            replaced = in.position();
            length = 0;
            header[length++] = (byte) ChunkFormat.BLOCK_VERSION;
            header[length++] = (byte) encodings;
            putUvarint(count);
            putUvarint(timestampBytes);
            return this;
        } catch (IllegalArgumentException e) {
            throw new StorageException("corrupt chunk at offset " + offset + ": " + e.getMessage());
        }
    }

    /** The new header, {@link #length()} bytes; empty when the chunk is kept as it is. */
    public byte[] bytes() {
        return header;
    }

    public int length() {
        return length;
    }

    /** How many leading bytes of the chunk the new header replaces (0 when it is kept as it is). */
    public int replaced() {
        return replaced;
    }

    private void putUvarint(long v) {
        while ((v & ~0x7FL) != 0) {
            header[length++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        header[length++] = (byte) v;
    }
}
