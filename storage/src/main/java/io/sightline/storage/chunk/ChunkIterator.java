package io.sightline.storage.chunk;

import io.sightline.storage.SampleIterator;
import io.sightline.storage.StorageException;
import java.lang.foreign.MemorySegment;

/**
 * Decodes a chunk sample by sample, from a heap array, a {@link MemorySegment} slice of a mapped block
 * file, or an open {@link HeadChunk}. Reusable through the {@code reset} methods, which return
 * {@code this}; neither reset nor iteration allocates. Not thread-safe: one iterator per reading thread.
 *
 * <p>The iterator does not copy the chunk: the source must stay valid (the mapped file open, the array
 * unchanged) until the iterator is reset to another chunk or dropped.
 *
 * <p>Corruption: a bad header fails {@code reset} with a {@link StorageException} naming the offset and
 * field; column data that ends early fails {@link #next()} at the last sample. Bit flips inside the data
 * cannot be detected here: the storage engine checks a CRC around each chunk or block.
 */
public final class ChunkIterator implements SampleIterator {
    private final BitReader timestampReader = new BitReader();
    private final BitReader valueReader = new BitReader();
    private final PackedLayout timestampLayout = new PackedLayout();
    private final PackedLayout valueLayout = new PackedLayout();
    private final XorReader xor = new XorReader();
    private int timestampEncoding;
    private int valueEncoding;
    private boolean isSealed;
    private long chunkOffset;
    private int count;
    private int index;
    private long minTime;
    private long maxTime;
    private long firstDelta;
    private long delta;
    private long timestamp;
    private double value;
    private double decimalScale;
    private boolean isDecimalDivide;
    private long firstMantissa;
    private long firstMantissaDelta;
    private long mantissa;
    private long mantissaDelta;

    /** Positions the iterator before the first sample of the chunk at {@code chunk[offset, offset + length)}. */
    public ChunkIterator reset(byte[] chunk, int offset, int length) {
        timestampReader.reset(chunk, offset, length);
        valueReader.reset(chunk, offset, length);
        return readHeader(offset, length);
    }

    /** Positions the iterator before the first sample of the chunk at {@code segment[offset, offset + length)}. */
    public ChunkIterator reset(MemorySegment segment, long offset, long length) {
        timestampReader.reset(segment, offset, length);
        valueReader.reset(segment, offset, length);
        return readHeader(offset, length);
    }

    /**
     * Positions the iterator before the first sample of an open head chunk; it will see the samples
     * appended before this call (a consistent prefix when the appender runs concurrently).
     */
    public ChunkIterator reset(HeadChunk head) {
        count = head.count();
        byte[] ts = head.timestampBytesAcquire();
        byte[] vs = head.valueBytesAcquire();
        timestampReader.reset(ts, 0, ts.length);
        valueReader.reset(vs, 0, vs.length);
        timestampEncoding = ChunkFormat.TIMESTAMP_DOD_BUCKETED;
        valueEncoding = ChunkFormat.VALUE_XOR;
        isSealed = false;
        minTime = head.minTime();
        maxTime = count == 0 ? Long.MIN_VALUE : head.maxTime();
        index = 0;
        delta = 0;
        xor.reset();
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
     * Timestamp of the last sample, from the header. For a head chunk that is appended to concurrently it
     * may belong to a sample newer than this iterator will return.
     */
    public long maxTime() {
        return maxTime;
    }

    @Override
    public boolean next() {
        int i = index;
        if (i >= count) {
            if (i == count) {
                index = i + 1;
                checkConsumed();
            }
            return false;
        }
        index = i + 1;
        if (i == 0) {
            timestamp = minTime;
        } else {
            timestamp += nextDelta(i);
        }
        value = nextValue(i);
        return true;
    }

    @Override
    public boolean seek(long t) {
        if (index > 0 && index <= count && timestamp >= t) {
            return true;
        }
        if (t > maxTime) {
            index = count + 1; // exhausted; no need to decode what cannot match
            return false;
        }
        while (next()) {
            if (timestamp >= t) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public double value() {
        return value;
    }

    private long nextDelta(int i) {
        if (timestampEncoding == ChunkFormat.TIMESTAMP_DOD_PACKED) {
            if (i == 1) {
                delta = firstDelta;
            } else {
                delta += Zigzag.decode(timestampLayout.read(timestampReader));
            }
        } else {
            delta += DodBuckets.read(timestampReader);
        }
        return delta;
    }

    private double nextValue(int i) {
        switch (valueEncoding) {
            case ChunkFormat.VALUE_XOR -> {
                long bits = i == 0 ? xor.readFirst(valueReader) : xor.readNext(valueReader);
                return Double.longBitsToDouble(bits);
            }
            case ChunkFormat.VALUE_DECIMAL_DELTA -> {
                if (i == 0) {
                    mantissa = firstMantissa;
                } else {
                    mantissa += Zigzag.decode(valueLayout.read(valueReader));
                }
            }
            default -> {
                if (i == 0) {
                    mantissa = firstMantissa;
                } else {
                    if (i == 1) {
                        mantissaDelta = firstMantissaDelta;
                    } else {
                        mantissaDelta += Zigzag.decode(valueLayout.read(valueReader));
                    }
                    mantissa += mantissaDelta;
                }
            }
        }
        return isDecimalDivide ? mantissa / decimalScale : mantissa * decimalScale;
    }

    private ChunkIterator readHeader(long offset, long length) {
        BitReader r = timestampReader;
        chunkOffset = offset;
        try {
            int version = r.readByte();
            if (version != ChunkFormat.VERSION) {
                throw corrupt(offset, "version " + version + " is not the supported " + ChunkFormat.VERSION);
            }
            int encodings = r.readByte();
            timestampEncoding = encodings & 0x0F;
            valueEncoding = encodings >>> 4;
            if (timestampEncoding < ChunkFormat.TIMESTAMP_DOD_BUCKETED
                    || timestampEncoding > ChunkFormat.TIMESTAMP_DOD_PACKED) {
                throw corrupt(offset, "unknown timestamp encoding " + timestampEncoding);
            }
            if (valueEncoding < ChunkFormat.VALUE_XOR || valueEncoding > ChunkFormat.VALUE_DECIMAL_DOD) {
                throw corrupt(offset, "unknown value encoding " + valueEncoding);
            }
            long n = r.readUvarint();
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw corrupt(offset, "sample count " + n + " is not in [1, " + Integer.MAX_VALUE + "]");
            }
            count = (int) n;
            minTime = r.readVarint();
            maxTime = minTime + r.readUvarint();
            long timestampBytes = r.readUvarint();
            long headerBytes = r.bytePosition();
            if (r.isOverrun() || headerBytes + timestampBytes > length) {
                throw corrupt(offset, "timestamp column of " + timestampBytes + " bytes after a " + headerBytes
                        + "-byte header exceeds the chunk length " + length);
            }
            r.narrow(headerBytes, timestampBytes);
            valueReader.narrow(headerBytes + timestampBytes, length - headerBytes - timestampBytes);
            readColumnPreambles();
        } catch (IllegalArgumentException e) {
            throw corrupt(offset, e.getMessage());
        }
        isSealed = true;
        index = 0;
        delta = 0;
        xor.reset();
        return this;
    }

    private void readColumnPreambles() {
        if (timestampEncoding == ChunkFormat.TIMESTAMP_DOD_PACKED && count > 1) {
            firstDelta = timestampReader.readVarint();
            if (count > 2) {
                timestampLayout.readSpec(timestampReader);
            }
        }
        if (valueEncoding == ChunkFormat.VALUE_XOR) {
            return;
        }
        int exponent = (byte) valueReader.readByte();
        if (exponent < -DecimalConverter.MAX_FRACTION_DIGITS
                || exponent > DecimalConverter.MAX_EXPONENT) {
            throw new IllegalArgumentException("decimal exponent " + exponent + " is out of range");
        }
        isDecimalDivide = exponent < 0;
        decimalScale = DecimalConverter.scale(exponent);
        firstMantissa = valueReader.readVarint();
        int packedFrom = 1;
        if (valueEncoding == ChunkFormat.VALUE_DECIMAL_DOD) {
            packedFrom = 2;
            if (count > 1) {
                firstMantissaDelta = valueReader.readVarint();
            }
        }
        if (count > packedFrom) {
            valueLayout.readSpec(valueReader);
        }
    }

    private void checkConsumed() {
        if (isSealed && (timestampReader.isOverrun() || valueReader.isOverrun())) {
            throw new StorageException("corrupt chunk at offset " + chunkOffset
                    + ": column data ends before sample " + count);
        }
    }

    private static StorageException corrupt(long offset, String what) {
        return new StorageException("corrupt chunk at offset " + offset + ": " + what);
    }
}
