package io.sightline.storage.chunk;

/**
 * Constants of the chunk format, version 1. The byte layout is specified in storage/docs/format/chunk.md;
 * change both together and bump {@link #VERSION} for any incompatible change.
 */
public final class ChunkFormat {
    /** Format version, the first byte of every chunk. */
    public static final int VERSION = 1;

    /** Timestamp column: delta-of-delta in fixed Gorilla-style buckets (appendable; head chunks). */
    public static final int TIMESTAMP_DOD_BUCKETED = 1;
    /** Timestamp column: first delta as varint, then delta-of-deltas in a per-chunk fitted packing. */
    public static final int TIMESTAMP_DOD_PACKED = 2;

    /** Value column: Gorilla XOR of the raw IEEE-754 bits (appendable; any double). */
    public static final int VALUE_XOR = 1;
    /** Value column: scaled decimal mantissas, first mantissa then packed deltas. */
    public static final int VALUE_DECIMAL_DELTA = 2;
    /** Value column: scaled decimal mantissas, first mantissa, first delta, then packed delta-of-deltas. */
    public static final int VALUE_DECIMAL_DOD = 3;

    /**
     * Most samples in one chunk (2^20: 12 days of 1 s samples). Bounds what a reader allocates for a
     * damaged count, since a regular chunk can hold many samples in very few bytes.
     */
    public static final int MAX_SAMPLES = 1 << 20;

    /** Largest header: version, encodings, count, min time, time span, timestamp column length. */
    static final int MAX_HEADER_BYTES = 2 + 5 + 10 + 10 + 5;

    private ChunkFormat() {
    }

    /** Writes header and both columns; returns the chunk's length in bytes. */
    static int write(ChunkBuffer out, int timestampEncoding, int valueEncoding, int count, long minTime,
                     long maxTime, BitWriter timestamps, BitWriter values) {
        int start = out.length();
        out.writeByte(VERSION);
        out.writeByte((valueEncoding << 4) | timestampEncoding);
        out.writeUvarint(count);
        out.writeUvarint(Zigzag.encode(minTime));
        out.writeUvarint(maxTime - minTime);
        out.writeUvarint(timestamps.byteLength());
        out.writeBytes(timestamps.array(), 0, timestamps.byteLength());
        out.writeBytes(values.array(), 0, values.byteLength());
        return out.length() - start;
    }
}
