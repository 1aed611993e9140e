package io.sightline.storage.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A growable little-endian direct buffer that encoders append to, reused across batches so that encoding
 * does not allocate once it has grown to the working size. Not thread-safe.
 */
public final class ByteSink {
    private final TaggedAllocator allocator;
    private final MemoryTag tag;
    private ByteBuffer buf;

    public ByteSink(TaggedAllocator allocator, MemoryTag tag, int initialCapacity) {
        this.allocator = allocator;
        this.tag = tag;
        this.buf = allocator.allocateDirect(initialCapacity, tag);
    }

    /** Forgets the content, keeping the memory. */
    public void clear() {
        buf.clear();
    }

    public int position() {
        return buf.position();
    }

    /** The underlying buffer; its position is the end of the content. Valid until the next append. */
    public ByteBuffer buffer() {
        return buf;
    }

    public void ensure(int more) {
        if (buf.remaining() < more) {
            int size = Math.max(buf.capacity() * 2, buf.position() + more);
            ByteBuffer bigger = allocator.allocateDirect(size, tag);
            buf.flip();
            bigger.put(buf);
            allocator.release(buf, tag);
            buf = bigger;
        }
    }

    public void putByte(int b) {
        ensure(1);
        buf.put((byte) b);
    }

    public void putInt(int v) {
        ensure(4);
        buf.putInt(v);
    }

    public void putLong(long v) {
        ensure(8);
        buf.putLong(v);
    }

    /** Unsigned LEB128: 7 bits per byte, low first. */
    public void putUvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    /** Zig-zag then unsigned LEB128, so small negative numbers stay short. */
    public void putVarint(long v) {
        putUvarint((v << 1) ^ (v >> 63));
    }

    public void putBytes(byte[] b) {
        ensure(b.length);
        buf.put(b);
    }

    /** A length-prefixed UTF-8 string. */
    public void putString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putUvarint(b.length);
        putBytes(b);
    }

    /** Gives the memory back; the sink is unusable afterwards. */
    public void release() {
        if (buf != null) {
            allocator.release(buf, tag);
            buf = null;
        }
    }
}
