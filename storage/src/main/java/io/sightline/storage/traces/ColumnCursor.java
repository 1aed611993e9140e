package io.sightline.storage.traces;

import io.sightline.storage.io.CorruptDataException;

/**
 * Reads one column of a decompressed page straight from its heap array: monomorphic and bounds-checked against
 * the column's end, where {@link io.sightline.storage.io.ByteReader} goes through whichever {@code ByteBuffer}
 * kind its call site saw (heap, direct, mapped) and was most of a page decode. Not thread-safe.
 */
final class ColumnCursor {
    private final byte[] data;
    private int at;
    private final int end;

    ColumnCursor(byte[] data, int from, int end) {
        this.data = data;
        this.at = from;
        this.end = end;
    }

    long uvarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at >= end) {
                throw new CorruptDataException("varint runs past the end of its column", at);
            }
            byte x = data[at++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new CorruptDataException("varint longer than 10 bytes", at);
    }

    long varint() {
        long u = uvarint();
        return (u >>> 1) ^ -(u & 1);
    }

    /** A uvarint that must fit {@code [0, max]}. */
    int count(int max) {
        int from = at;
        long v = uvarint();
        if (v < 0 || v > max) {
            throw new CorruptDataException("count " + v + " exceeds " + max, from);
        }
        return (int) v;
    }

    byte get() {
        if (at >= end) {
            throw new CorruptDataException("byte column runs past its end", at);
        }
        return data[at++];
    }
}
