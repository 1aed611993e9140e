package io.sightline.storage.chunk;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads bits, most significant first, from a byte range of a heap array or of a {@link MemorySegment}
 * (a mapped block file). Each read is one unaligned big-endian 64-bit load at the current byte and a
 * shift, so a read of up to 57 bits never loops. Loads that would cross the range end take a slow path
 * that pads with zero bytes; a reader that goes past the end reports it through {@link #isOverrun()}
 * instead of reading foreign bytes.
 *
 * <p>Two sources behind one final class (rather than two implementations of an interface) keep the
 * per-sample call sites monomorphic; the {@code array != null} branch is constant per chunk.
 */
final class BitReader {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong SEGMENT_LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private byte[] array;
    private MemorySegment segment;
    private long start;
    private long limit;
    private long bitPos;

    void reset(byte[] source, int offset, int length) {
        array = source;
        segment = null;
        start = offset;
        limit = (long) offset + length;
        bitPos = 0;
    }

    void reset(MemorySegment source, long offset, long length) {
        array = null;
        segment = source;
        start = offset;
        limit = offset + length;
        bitPos = 0;
    }

    /** Re-targets this reader at a sub-range of the current source, in bytes relative to the current start. */
    void narrow(long relativeOffset, long length) {
        start += relativeOffset;
        limit = start + length;
        bitPos = 0;
    }

    /** The next 64 bits from the current position, without consuming them; at least 57 are data bits. */
    long peek() {
        return load(start + (bitPos >>> 3)) << (bitPos & 7);
    }

    /** Consumes {@code n} bits, {@code 0 <= n <= 64}, returned in the low bits. */
    long readBits(int n) {
        if (n > 57) {
            long hi = readBits(n - 32);
            return (hi << 32) | readBits(32);
        }
        long r = (peek() >>> 1) >>> (63 - n); // two shifts so that n == 0 yields 0
        bitPos += n;
        return r;
    }

    void skip(int n) {
        bitPos += n;
    }

    int readByte() {
        return (int) readBits(8);
    }

    long readUvarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes at byte " + (start + (bitPos >>> 3)));
    }

    long readVarint() {
        return Zigzag.decode(readUvarint());
    }

    /** Bytes consumed so far, rounded up to whole bytes. */
    long bytePosition() {
        return (bitPos + 7) >>> 3;
    }

    boolean isOverrun() {
        return start + ((bitPos + 7) >>> 3) > limit;
    }

    private long load(long index) {
        if (index + 8 <= limit) {
            return array != null ? (long) LONG_BE.get(array, (int) index) : segment.get(SEGMENT_LONG_BE, index);
        }
        return loadTail(index);
    }

    private long loadTail(long index) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            long at = index + i;
            int b = at < limit ? (array != null ? array[(int) at] : segment.get(ValueLayout.JAVA_BYTE, at)) & 0xFF : 0;
            w = (w << 8) | b;
        }
        return w;
    }
}
