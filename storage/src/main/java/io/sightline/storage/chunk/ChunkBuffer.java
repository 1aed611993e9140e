package io.sightline.storage.chunk;

import java.util.Arrays;

/**
 * A growable byte buffer that encoders append whole chunks to, so a block writer can gather many chunks
 * into one buffer and record each chunk's offset as {@link #length()} before the call. Not thread-safe.
 * The array returned by {@link #array()} is valid until the next append (which may grow it).
 */
public final class ChunkBuffer {
    private byte[] buf;
    private int length;

    /** Creates a buffer with the given initial capacity in bytes (grows by doubling). */
    public ChunkBuffer(int initialCapacityBytes) {
        if (initialCapacityBytes < 0) {
            throw new IllegalArgumentException("initialCapacityBytes must be >= 0, got " + initialCapacityBytes);
        }
        buf = new byte[initialCapacityBytes];
    }

    /** Forgets the contents and keeps the capacity. */
    public void clear() {
        length = 0;
    }

    /** Number of bytes written since the last {@link #clear()}. */
    public int length() {
        return length;
    }

    /** The backing array; bytes {@code [0, length())} are the contents. Owned by this buffer. */
    public byte[] array() {
        return buf;
    }

    /** A copy of the contents. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    void writeByte(int b) {
        ensure(1);
        buf[length++] = (byte) b;
    }

    void writeUvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[length++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[length++] = (byte) v;
    }

    void writeBytes(byte[] src, int offset, int count) {
        ensure(count);
        System.arraycopy(src, offset, buf, length, count);
        length += count;
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            long wanted = Math.max((long) length + more, Math.max(64L, buf.length * 2L));
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("chunk buffer would exceed 2 GiB: length " + length + " + " + more);
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
