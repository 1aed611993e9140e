package io.sightline.storage.chunk;

/** Reads bytes and LEB128 varints from a byte array up to a limit; reusable, for headers and preambles. */
final class ByteCursor {
    private byte[] buf;
    private int position;
    private int limit;

    ByteCursor of(byte[] b, int offset, int end) {
        buf = b;
        position = offset;
        limit = end;
        return this;
    }

    int readByte() {
        if (position >= limit) {
            throw new IllegalArgumentException("data ends at byte " + position + " inside a header field");
        }
        return buf[position++] & 0xFF;
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
        throw new IllegalArgumentException("varint at byte " + position + " is longer than 10 bytes");
    }

    int position() {
        return position;
    }
}
