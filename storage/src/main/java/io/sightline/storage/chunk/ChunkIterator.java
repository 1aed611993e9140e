package io.sightline.storage.chunk;

import io.sightline.storage.SampleIterator;
import io.sightline.storage.StorageException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Iterates the samples of one chunk: from a heap array, a {@link MemorySegment} slice of a mapped block
 * file, or an open {@link HeadChunk}. Reusable through the {@code reset} methods, which return
 * {@code this}; after warm-up neither reset nor iteration allocates (buffers grow to the largest chunk
 * seen and are kept). Not thread-safe: one iterator per reading thread.
 *
 * <p>How it works: {@code reset} copies the chunk's bytes into a padded scratch array (so the source may
 * change or be unmapped right after the call) and reads the header; the first {@link #next()} or
 * {@link #seek} decodes both columns in bulk into primitive arrays; {@code next} is then an index
 * increment and {@code seek} a binary search. Copying ~1 byte per sample costs far less than what
 * per-sample dispatch on the encoding and the source type cost.
 *
 * <p>Corruption: a bad header fails {@code reset}, and column data that does not hold {@link #count()}
 * samples fails the first {@code next}/{@code seek}, with a {@link StorageException} naming the chunk's
 * offset. Bit flips inside the data cannot be detected here; the storage engine checks CRCs.
 */
public final class ChunkIterator implements SampleIterator {
    private final PackedLayout timestampLayout = new PackedLayout();
    private final PackedLayout valueLayout = new PackedLayout();
    private final ByteCursor cursor = new ByteCursor();
    private byte[] scratch = new byte[256];
    private long[] timestamps = new long[128];
    private double[] values = new double[128];
    /** Packed residuals before accumulation: decimal mantissas or XORs. */
    private long[] work = new long[128];
    private long chunkOffset;
    private int timestampEncoding;
    private int valueEncoding;
    private int count;
    private long minTime;
    private long maxTime;
    private int timestampStart;
    private int timestampEnd;
    private int valueStart;
    private int valueEnd;
    private boolean isDecoded;
    /** The timestamp encoding of a version-2 chunk while it waits for its time range. */
    private int pendingTimestampEncoding;
    /** Index of the current sample: -1 before the first, {@code count} once exhausted. */
    private int current;
    /** After decoding a decimal column: its exponent, with the mantissas in {@link #work}; else NOT_DECIMAL. */
    private int decimalExponent;

    /** Positions the iterator before the first sample of the chunk at {@code chunk[offset, offset + length)}. */
    public ChunkIterator reset(byte[] chunk, int offset, int length) {
        byte[] s = scratchFor(length);
        System.arraycopy(chunk, offset, s, 0, length);
        return readHeader(offset, length);
    }

    /** Positions the iterator before the first sample of the chunk at {@code segment[offset, offset + length)}. */
    public ChunkIterator reset(MemorySegment segment, long offset, long length) {
        if (length > Integer.MAX_VALUE - 2 * Bits.PADDING_BYTES) {
            throw new StorageException("corrupt chunk at offset " + offset + ": length " + length + " exceeds 2 GiB");
        }
        byte[] s = scratchFor((int) length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, s, 0, (int) length);
        return readHeader(offset, length);
    }

    /**
     * As {@link #reset(MemorySegment, long, long)} for a chunk of a block, whose header may leave the time
     * range to the block index ({@link ChunkFormat#BLOCK_VERSION}): {@code minTime} and {@code maxTime} are
     * its first and last timestamps as the index records them. A version-1 chunk uses its own header's.
     */
    public ChunkIterator reset(MemorySegment segment, long offset, long length, long minTime, long maxTime) {
        reset(segment, offset, length);
        if (timestampEncoding == 0) { // version 2: the header stopped after count and column length
            if (maxTime < minTime) {
                throw corrupt("time range [" + minTime + ", " + maxTime + "] from the block index is empty");
            }
            this.minTime = minTime;
            this.maxTime = maxTime;
            timestampEncoding = pendingTimestampEncoding;
        }
        return this;
    }

    /**
     * Positions the iterator before the first sample of an open head chunk. It sees the samples appended
     * before this call (a consistent prefix when the appender runs on another thread) and is unaffected
     * by later appends.
     */
    public ChunkIterator reset(HeadChunk head) {
        int n = head.count();
        byte[] c = head.columnAcquire();
        int vsStart = HeadChunk.valueStart(c);
        int tsStart = HeadChunk.timestampStart();
        int tsLength = Math.min(vsStart - tsStart, head.timestampByteLength());
        // The whole values column: a column the appender re-encoded since the count was read (a finer exponent,
        // XOR) is a new array that may need more bytes for those samples than the length read now says.
        int vsLength = c.length - vsStart;
        byte[] s = scratchFor(tsLength + Bits.PADDING_BYTES + vsLength);
        System.arraycopy(c, tsStart, s, 0, tsLength);
        Arrays.fill(s, tsLength, tsLength + Bits.PADDING_BYTES, (byte) 0);
        System.arraycopy(c, vsStart, s, tsLength + Bits.PADDING_BYTES, vsLength);
        chunkOffset = 0;
        count = n;
        minTime = head.minTime();
        maxTime = n == 0 ? Long.MIN_VALUE : head.maxTime();
        timestampEncoding = ChunkFormat.TIMESTAMP_DOD_BUCKETED;
        // The array says its own encoding (an XOR marker or a decimal exponent), so it always matches its bits.
        boolean isXor = n > 0 && HeadChunk.isXorColumn(c);
        valueEncoding = isXor ? ChunkFormat.VALUE_XOR : ChunkFormat.VALUE_DECIMAL_RICE;
        timestampStart = 0;
        timestampEnd = tsLength;
        valueStart = tsLength + Bits.PADDING_BYTES + (isXor ? 1 : 0);
        valueEnd = valueStart + vsLength;
        isDecoded = false;
        current = -1;
        return this;
    }

    /** Number of samples in the chunk. */
    public int count() {
        return count;
    }

    /** Timestamp of the first sample, from the header. */
    public long minTime() {
        return minTime;
    }

    /**
     * Timestamp of the last sample, from the header. For a head chunk appended to concurrently it may
     * belong to a sample newer than this iterator returns.
     */
    public long maxTime() {
        return maxTime;
    }

    /**
     * Decodes the whole chunk (if not yet done) and returns the timestamps, for callers that want arrays
     * rather than an iterator. Entries {@code [0, count())} are valid until the next {@code reset}; the
     * array is owned by this iterator: read it, never modify or keep it.
     *
     * @throws StorageException when the column data is damaged
     */
    public long[] decodedTimestamps() {
        if (!isDecoded) {
            decode();
        }
        return timestamps;
    }

    /**
     * After {@link #decodedValues()}: the decimal exponent of the chunk's value column, with the mantissas
     * in {@link #decodedMantissas()}; {@link DecimalConverter#NOT_DECIMAL} for an XOR column.
     */
    int decimalExponent() {
        return decimalExponent;
    }

    /** The mantissas of a decimal column; valid as {@link #decodedValues()} when {@link #decimalExponent()} is. */
    long[] decodedMantissas() {
        return work;
    }

    /** Whether no sample was consumed since the last reset. */
    boolean isAtStart() {
        return current == -1;
    }

    /** The values counterpart of {@link #decodedTimestamps()}, with the same lifetime and ownership. */
    public double[] decodedValues() {
        if (!isDecoded) {
            decode();
        }
        return values;
    }

    @Override
    public boolean next() {
        if (!isDecoded) {
            decode();
        }
        if (current < count) {
            current++;
        }
        return current < count;
    }

    @Override
    public boolean seek(long t) {
        if (!isDecoded) {
            decode();
        }
        int from = Math.max(current, 0);
        if (from >= count) {
            return false;
        }
        if (current >= 0 && timestamps[current] >= t) {
            return true;
        }
        int lo = from;
        int hi = count; // first index with timestamp >= t lies in [lo, hi]
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        current = lo;
        return lo < count;
    }

    @Override
    public long timestamp() {
        return timestamps[current];
    }

    @Override
    public double value() {
        return values[current];
    }

    private byte[] scratchFor(int length) {
        int needed = length + Bits.PADDING_BYTES;
        if (scratch.length < needed) {
            scratch = new byte[Math.max(needed, scratch.length * 2)];
        } else {
            Arrays.fill(scratch, length, needed, (byte) 0);
        }
        return scratch;
    }

    private ChunkIterator readHeader(long offset, long length) {
        chunkOffset = offset;
        byte[] s = scratch;
        try {
            ByteCursor in = cursor.of(s, 0, (int) length);
            int version = in.readByte();
            if (version != ChunkFormat.VERSION && version != ChunkFormat.BLOCK_VERSION) {
                throw corrupt("version " + version + " is not one of the supported " + ChunkFormat.VERSION + " and "
                        + ChunkFormat.BLOCK_VERSION);
            }
            int encodings = in.readByte();
            timestampEncoding = encodings & 0x0F;
            valueEncoding = encodings >>> 4;
            if (timestampEncoding < ChunkFormat.TIMESTAMP_DOD_BUCKETED
                    || timestampEncoding > ChunkFormat.TIMESTAMP_GRID_PACKED) {
                throw corrupt("unknown timestamp encoding " + timestampEncoding);
            }
            if (valueEncoding < ChunkFormat.VALUE_XOR || valueEncoding > ChunkFormat.VALUE_DECIMAL_RICE) {
                throw corrupt("unknown value encoding " + valueEncoding);
            }
            long n = in.readUvarint();
            if (n < 1 || n > ChunkFormat.MAX_SAMPLES) {
                throw corrupt("sample count " + n + " is not in [1, " + ChunkFormat.MAX_SAMPLES + "]");
            }
            count = (int) n;
            if (version == ChunkFormat.VERSION) {
                minTime = Zigzag.decode(in.readUvarint());
                maxTime = minTime + in.readUvarint();
            } else {
                // Only the block reader knows the time range; until it passes it in, the chunk cannot decode.
                pendingTimestampEncoding = timestampEncoding;
                timestampEncoding = 0;
            }
            long timestampBytes = in.readUvarint();
            int headerBytes = in.position();
            if (headerBytes + timestampBytes > length) {
                throw corrupt("timestamp column of " + timestampBytes + " bytes after a " + headerBytes
                        + "-byte header exceeds the chunk length " + length);
            }
            timestampStart = headerBytes;
            timestampEnd = (int) (headerBytes + timestampBytes);
            valueStart = timestampEnd;
            valueEnd = (int) length;
        } catch (IllegalArgumentException e) {
            throw corrupt(e.getMessage());
        }
        isDecoded = false;
        current = -1;
        return this;
    }

    private void decode() {
        decimalExponent = DecimalConverter.NOT_DECIMAL;
        int n = count;
        if (n == 0) {
            isDecoded = true; // an empty head chunk
            return;
        }
        if (timestampEncoding == 0) {
            throw corrupt("a version-" + ChunkFormat.BLOCK_VERSION + " chunk holds no time range; read it through its block"
                    + " index, which does");
        }
        if (timestamps.length < n) {
            int capacity = Math.max(n, timestamps.length * 2);
            timestamps = new long[capacity];
            values = new double[capacity];
            work = new long[capacity];
        }
        try {
            decodeTimestamps(n);
            decodeValues(n);
        } catch (IllegalArgumentException e) {
            count = 0; // nothing trustworthy to return
            throw corrupt(e.getMessage());
        } finally {
            isDecoded = true;
        }
    }

    private void decodeTimestamps(int n) {
        byte[] s = scratch;
        long end = (long) timestampEnd * 8;
        if (timestampEncoding == ChunkFormat.TIMESTAMP_DOD_BUCKETED) {
            ColumnDecoder.bucketedTimestamps(s, (long) timestampStart * 8, end, minTime, timestamps, n);
            return;
        }
        int at = timestampStart;
        if (timestampEncoding == ChunkFormat.TIMESTAMP_GRID_PACKED) {
            if (n > 1) {
                at = timestampLayout.readSpec(s, at);
            }
            ColumnDecoder.gridTimestamps(s, (long) at * 8, end, minTime, ChunkFormat.gridStep(minTime, maxTime, n),
                    timestampLayout, timestamps, n);
            return;
        }
        long firstDelta = 0;
        if (n > 1) {
            ByteCursor in = cursor.of(s, at, timestampEnd);
            firstDelta = Zigzag.decode(in.readUvarint());
            at = in.position();
            if (n > 2) {
                at = timestampLayout.readSpec(s, at);
            }
        }
        ColumnDecoder.packedTimestamps(s, (long) at * 8, end, minTime, firstDelta, timestampLayout, timestamps, n);
    }

    private void decodeValues(int n) {
        decimalExponent = DecimalConverter.NOT_DECIMAL;
        byte[] s = scratch;
        long end = (long) valueEnd * 8;
        if (valueEncoding == ChunkFormat.VALUE_XOR) {
            ColumnDecoder.xorValues(s, (long) valueStart * 8, end, values, n);
            return;
        }
        if (valueEncoding == ChunkFormat.VALUE_XOR_PACKED) {
            ColumnDecoder.checkNotPast(valueStart + 8, valueEnd, 0);
            long firstBits = Bits.read(s, (long) valueStart * 8, 64);
            if (n > 1) {
                int at = valueLayout.readSpec(s, valueStart + 8);
                ColumnDecoder.checkNotPast(at, valueEnd, 1);
                valueLayout.decode(s, (long) at * 8, end, work, 1, n);
            }
            ColumnDecoder.packedXorValues(firstBits, work, values, n);
            return;
        }
        if (valueEncoding == ChunkFormat.VALUE_DECIMAL_RICE) {
            ColumnDecoder.checkNotPast(valueStart + 1, valueEnd, 0);
            int exponent = s[valueStart];
            if (exponent < -DecimalRice.MAX_FRACTION_DIGITS || exponent > 0) {
                throw new IllegalArgumentException("decimal exponent " + exponent + " is out of range [-"
                        + DecimalRice.MAX_FRACTION_DIGITS + ", 0]");
            }
            ColumnDecoder.riceMantissas(s, (long) (valueStart + 1) * 8, end, work, n);
            ColumnDecoder.scaledValues(work, exponent, values, n);
            decimalExponent = exponent;
            return;
        }
        ByteCursor in = cursor.of(s, valueStart, valueEnd);
        int exponent = (byte) in.readByte();
        if (exponent < -DecimalConverter.MAX_FRACTION_DIGITS || exponent > DecimalConverter.MAX_EXPONENT) {
            throw new IllegalArgumentException("decimal exponent " + exponent + " is out of range");
        }
        boolean isDeltaOfDelta = valueEncoding == ChunkFormat.VALUE_DECIMAL_DOD;
        long[] m = work;
        m[0] = Zigzag.decode(in.readUvarint());
        int packedFrom = 1;
        if (isDeltaOfDelta) {
            packedFrom = 2;
            if (n > 1) {
                m[1] = m[0] + Zigzag.decode(in.readUvarint());
            }
        }
        if (n > packedFrom) {
            int at = valueLayout.readSpec(s, in.position());
            ColumnDecoder.checkNotPast(at, valueEnd, packedFrom);
            valueLayout.decode(s, (long) at * 8, end, m, packedFrom, n);
        }
        ColumnDecoder.decimalValues(m, isDeltaOfDelta, exponent, values, n);
        decimalExponent = exponent;
    }

    private StorageException corrupt(String what) {
        return new StorageException("corrupt chunk at offset " + chunkOffset + ": " + what);
    }
}
