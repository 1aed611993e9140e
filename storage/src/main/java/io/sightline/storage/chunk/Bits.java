package io.sightline.storage.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bit reads from a byte array, most significant bit first, addressed by absolute bit position. A read is
 * one unaligned big-endian 64-bit load and a shift, so callers keep the position in a local variable and
 * the decode loops stay free of field writes. The array must extend at least
 * {@link #PADDING_BYTES} past the last byte that holds data bits (the decoders copy chunks into such a
 * padded scratch array).
 */
final class Bits {
    /** Bytes of slack a load may touch past the data: one 64-bit load at the last data byte, plus a split read. */
    static final int PADDING_BYTES = 16;

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bits() {
    }

    /** The 64 bits starting at bit {@code pos}; at least the top 57 are data. */
    static long window(byte[] b, long pos) {
        return (long) LONG_BE.get(b, (int) (pos >>> 3)) << (pos & 7);
    }

    /** The {@code n} bits at {@code pos}, {@code 0 <= n <= 64}, in the low bits of the result. */
    static long read(byte[] b, long pos, int n) {
        if (n > 57) {
            return (read(b, pos, n - 32) << 32) | read(b, pos + n - 32, 32);
        }
        return (window(b, pos) >>> 1) >>> (63 - n); // two shifts so that n == 0 yields 0
    }
}
