package io.sightline.storage.chunk;

import io.sightline.storage.StorageException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Constants of the chunk format, version 1. The byte layout is specified in storage/docs/format/chunk.md;
 * change both together and bump {@link #VERSION} for any incompatible change.
 */
public final class ChunkFormat {
    /** Format version, the first byte of every chunk. */
    public static final int VERSION = 1;
    /**
     * Version of the chunks in a block's chunks file (version 2 of that file): the header leaves out the
     * time range, which the block index holds next to the chunk's offset, so the reader passes it in
     * ({@link ChunkIterator#reset(MemorySegment, long, long, long, long)}). Columns are as in version 1.
     */
    public static final int BLOCK_VERSION = 2;

    /** Timestamp column: delta-of-delta in fixed Gorilla-style buckets (appendable; head chunks). */
    public static final int TIMESTAMP_DOD_BUCKETED = 1;
    /** Timestamp column: first delta as varint, then delta-of-deltas in a per-chunk fitted packing. */
    public static final int TIMESTAMP_DOD_PACKED = 2;

    /**
     * Timestamp column: each sample's offset from {@code minTime + i * step} in a fitted packing, where the
     * step is derived from the header ({@link #gridStep}), so perfectly regular scrapes cost one spec. Schedulers (Prometheus scrape loops, OpenTelemetry periodic readers) keep a grid and
     * add independent latency jitter, which this codes in fewer bits than delta-of-deltas (whose variance
     * is six times the jitter's).
     */
    public static final int TIMESTAMP_GRID_PACKED = 3;

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

    /**
     * Value column: the first value's raw bits as 8 big-endian bytes, then each value's bits XOR the
     * previous value's in a fitted packing. Beats {@link #VALUE_XOR} on full-precision floats, whose XORs
     * have few trailing zeros but a steady number of leading ones.
     */
    public static final int VALUE_XOR_PACKED = 4;

    /**
     * Value column: scaled decimal mantissas with the chunk's exponent in the first byte, then the first
     * mantissa and the deltas in an adaptive Rice code ({@link DecimalRice}). Appendable: the head's open
     * chunk writes it; sealed chunks are re-encoded into the smallest codec.
     */
    public static final int VALUE_DECIMAL_RICE = 5;

    /** Largest header: version, encodings, count, min time, time span, timestamp column length. */
    static final int MAX_HEADER_BYTES = 2 + 5 + 10 + 10 + 5;

    private ChunkFormat() {
    }

    /**
     * The sample count from the header of the chunk at {@code segment[offset, offset + length)}, without
     * decoding it.
     *
     * @throws StorageException when the header is damaged
     */
    public static int sampleCount(MemorySegment segment, long offset, long length) {
        long n = 0;
        int shift = 0;
        for (long at = offset + 2; at < offset + Math.min(length, 7); at++, shift += 7) {
            int b = segment.get(ValueLayout.JAVA_BYTE, at);
            n |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                int version = segment.get(ValueLayout.JAVA_BYTE, offset);
                if ((version != VERSION && version != BLOCK_VERSION) || n < 1 || n > MAX_SAMPLES) {
                    break;
                }
                return (int) n;
            }
        }
        throw new StorageException("corrupt chunk at offset " + offset
                + ": no valid version-" + VERSION + " or -" + BLOCK_VERSION + " header with a sample count in [1, "
                + MAX_SAMPLES + "]");
    }

    /** The grid step of {@link #TIMESTAMP_GRID_PACKED}: the span divided (unsigned) by count - 1. */
    static long gridStep(long minTime, long maxTime, int count) {
        return count < 2 ? 0 : Long.divideUnsigned(maxTime - minTime, count - 1);
    }

    /** Writes header and both columns; returns the chunk's length in bytes. */
    static int write(ChunkBuffer out, int timestampEncoding, int valueEncoding, int count, long minTime,
                     long maxTime, BitWriter timestamps, BitWriter values) {
        return write(out, timestampEncoding, valueEncoding, count, minTime, maxTime, timestamps.array(),
                timestamps.byteLength(), values.array(), values.byteLength());
    }

    /** As above, with each column as the first {@code length} bytes of an array. */
    static int write(ChunkBuffer out, int timestampEncoding, int valueEncoding, int count, long minTime,
                     long maxTime, byte[] timestamps, int timestampLength, byte[] values, int valueLength) {
        return write(out, timestampEncoding, valueEncoding, count, minTime, maxTime, timestamps, 0, timestampLength,
                values, 0, valueLength);
    }

    /** As above, with each column at {@code array[offset, offset + length)}. */
    static int write(ChunkBuffer out, int timestampEncoding, int valueEncoding, int count, long minTime,
                     long maxTime, byte[] timestamps, int timestampOffset, int timestampLength, byte[] values,
                     int valueOffset, int valueLength) {
        int start = out.length();
        out.writeByte(VERSION);
        out.writeByte((valueEncoding << 4) | timestampEncoding);
        out.writeUvarint(count);
        out.writeUvarint(Zigzag.encode(minTime));
        out.writeUvarint(maxTime - minTime);
        out.writeUvarint(timestampLength);
        out.writeBytes(timestamps, timestampOffset, timestampLength);
        out.writeBytes(values, valueOffset, valueLength);
        return out.length() - start;
    }
}
