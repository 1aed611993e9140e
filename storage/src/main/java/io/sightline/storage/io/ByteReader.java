package io.sightline.storage.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteSink} wrote from a little-endian buffer. Every read checks bounds and throws
 * {@link CorruptDataException} with the offset, so a damaged file is reported, not misread.
 */
public final class ByteReader {
    private ByteReader() {
    }

    public static long uvarint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!b.hasRemaining()) {
                throw new CorruptDataException("varint runs past the end", b.position());
            }
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new CorruptDataException("varint longer than 10 bytes", b.position());
    }

    public static long varint(ByteBuffer b) {
        long u = uvarint(b);
        return (u >>> 1) ^ -(u & 1);
    }

    /** A uvarint that must fit {@code [0, max]}. */
    public static int count(ByteBuffer b, int max) {
        int at = b.position();
        long v = uvarint(b);
        if (v < 0 || v > max) {
            throw new CorruptDataException("count " + v + " exceeds " + max, at);
        }
        return (int) v;
    }

    public static String string(ByteBuffer b) {
        int len = count(b, b.remaining());
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public static long int64(ByteBuffer b) {
        if (b.remaining() < 8) {
            throw new CorruptDataException("8-byte field runs past the end", b.position());
        }
        return b.getLong();
    }
}
