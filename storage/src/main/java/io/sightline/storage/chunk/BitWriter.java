package io.sightline.storage.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Appends bits, most significant first, to a growable byte array. A write is O(1): one unaligned 64-bit
 * read-modify-write at the current byte, which relies on the invariant that every byte past the written
 * bits is zero (fresh arrays are zero; {@link #reset()} re-zeroes what was used).
 *
 * <p>One writer thread. Readers on other threads may decode the bits written before they acquired a
 * published sample count: written bytes never change their already-written bits, and a grown array is
 * published with release semantics after its contents are copied (see {@link #arrayAcquire()}).
 */
final class BitWriter {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BUF;

    static {
        try {
            BUF = MethodHandles.lookup().findVarHandle(BitWriter.class, "buf", byte[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Bytes one code may touch from the byte it starts in: up to 77 bits (an XOR value's 13-bit window and
     * 64 meaningful bits, a timestamp's 4-bit escape and 64 bits) written as unaligned 64-bit words reach
     * 13 bytes; 16 leaves room.
     */
    static final int SPARE_BYTES = 16;

    private byte[] buf;
    private long bitLength;

    BitWriter(int initialBytes) {
        buf = new byte[Math.max(16, initialBytes)];
    }

    void reset() {
        Arrays.fill(buf, 0, Math.min(buf.length, byteLength() + 8), (byte) 0);
        bitLength = 0;
    }

    /** Writes the low {@code n} bits of {@code value}, {@code 0 <= n <= 64}; higher bits are ignored. */
    void writeBits(long value, int n) {
        ensureSpare();
        bitLength = put(buf, bitLength, value, n);
    }

    /** Writes the XOR code of {@code v} with {@code xor}'s running state (see {@link XorWriter}). */
    void writeXor(XorWriter xor, double v) {
        ensureSpare();
        bitLength = xor.append(buf, bitLength, v);
    }

    /**
     * Writes the low {@code n} bits of {@code value}, {@code 0 <= n <= 64}, at bit {@code bitPos} of
     * {@code buf} and returns the bit position after them. The array must hold {@link #SPARE_BYTES} bytes
     * from the byte of {@code bitPos} on, all zero past {@code bitPos}. For writers that keep their
     * position and array in fields of their own ({@link HeadChunk}: no writer object per column).
     */
    static long put(byte[] buf, long bitPos, long value, int n) {
        if (n > 56) {
            bitPos = put(buf, bitPos, value >>> 32, n - 32);
            n = 32;
        }
        if (n == 0) {
            return bitPos;
        }
        int byteIndex = (int) (bitPos >>> 3);
        long shifted = (value << (64 - n)) >>> (bitPos & 7);
        long word = (long) LONG_BE.get(buf, byteIndex);
        LONG_BE.set(buf, byteIndex, word | shifted);
        return bitPos + n;
    }

    private void ensureSpare() {
        int byteIndex = (int) (bitLength >>> 3);
        if (byteIndex + SPARE_BYTES > buf.length) {
            grow(byteIndex + SPARE_BYTES);
        }
    }

    /** Writes one byte; the writer must be byte-aligned (only column preambles use this). */
    void writeByte(int b) {
        assert (bitLength & 7) == 0 : "BUG: unaligned byte write at bit " + bitLength;
        writeBits(b, 8);
    }

    void writeUvarint(long v) {
        while ((v & ~0x7FL) != 0) {
            writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        writeByte((int) v);
    }

    void writeVarint(long v) {
        writeUvarint(Zigzag.encode(v));
    }

    long bitLength() {
        return bitLength;
    }

    int byteLength() {
        return (int) ((bitLength + 7) >>> 3);
    }

    /** Length of the backing array; a write needs {@link #SPARE_BYTES} of it past {@link #byteLength()}. */
    int capacity() {
        return buf.length;
    }

    /** Grows the backing array to at least {@code bytes} (and by at least half); no-op when it is that long. */
    void growTo(int bytes) {
        if (bytes > buf.length) {
            grow(bytes);
        }
    }

    /** The backing array, valid for the writer's own thread; bytes past {@link #byteLength()} are zero. */
    byte[] array() {
        return buf;
    }

    /** The backing array for a reader on another thread, after it acquired a published sample count. */
    byte[] arrayAcquire() {
        return (byte[]) BUF.getAcquire(this);
    }

    /**
     * Grows by half, not double: a head keeps one open chunk per series, and doubling left ~35 % of those
     * arrays unused on average (their slack was the largest part of the head's heap per series); half
     * growth halves that slack for ~2 more copies of a chunk's few hundred bytes over its life.
     */
    private void grow(int minBytes) {
        byte[] grown = Arrays.copyOf(buf, Math.max(minBytes, (buf.length + (buf.length >>> 1) + 7) & ~7));
        BUF.setRelease(this, grown);
    }
}
