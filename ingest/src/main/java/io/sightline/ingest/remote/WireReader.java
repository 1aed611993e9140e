package io.sightline.ingest.remote;

import com.google.protobuf.InvalidProtocolBufferException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The protobuf wire format read straight from a byte array, for the remote-write hot path: a position and
 * static reads that take the end of the enclosing message, so nested messages need no limit stack. Every read
 * checks that it stays inside that end and throws {@link InvalidProtocolBufferException} (as protobuf's own
 * reader does) for a truncated or malformed message. {@code CodedInputStream} costs ~2x per sample here: a
 * limit stack, and a bounds check per byte against the buffer and again against the limit. Not thread-safe.
 */
final class WireReader {
    static final int WIRE_VARINT = 0;
    static final int WIRE_FIXED64 = 1;
    static final int WIRE_LENGTH_DELIMITED = 2;
    static final int WIRE_START_GROUP = 3;
    static final int WIRE_END_GROUP = 4;
    static final int WIRE_FIXED32 = 5;
    /** Groups nest at most this deep when skipped, as protobuf's default recursion limit. */
    private static final int MAX_GROUP_DEPTH = 100;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    /** The next byte to read. */
    int pos;

    WireReader(byte[] buf, int pos) {
        this.buf = buf;
        this.pos = pos;
    }

    /** The next field's tag; throws for field number 0 (invalid in protobuf). Call only when {@code pos < end}. */
    int readTag(int end) throws InvalidProtocolBufferException {
        int tag = readVarint32(end);
        if (tag >>> 3 == 0) {
            throw new InvalidProtocolBufferException("invalid tag " + tag + " (field number 0) at byte " + pos);
        }
        return tag;
    }

    /** A varint's low 32 bits (protobuf's int32 and length encoding: a negative int32 takes 10 bytes). */
    int readVarint32(int end) throws InvalidProtocolBufferException {
        return (int) readVarint64(end);
    }

    long readVarint64(int end) throws InvalidProtocolBufferException {
        int p = pos;
        if (p < end) {
            byte b = buf[p];
            if (b >= 0) {
                pos = p + 1;
                return b;
            }
        }
        return readVarint64Slow(end);
    }

    private long readVarint64Slow(int end) throws InvalidProtocolBufferException {
        long v = 0;
        int p = pos;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= end) {
                throw truncated(end);
            }
            byte b = buf[p++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return v;
            }
        }
        throw new InvalidProtocolBufferException("malformed varint (more than 10 bytes) at byte " + pos);
    }

    /** A length prefix, checked to be non-negative and to fit before {@code end}; returns the end of the bytes. */
    int readLengthEnd(int end) throws InvalidProtocolBufferException {
        int n = readVarint32(end);
        if (n < 0) {
            throw new InvalidProtocolBufferException("negative length " + n + " at byte " + pos);
        }
        if (n > end - pos) {
            throw truncated(end);
        }
        return pos + n;
    }

    /** A fixed64 field's value (little-endian). */
    long readFixed64(int end) throws InvalidProtocolBufferException {
        int p = pos;
        if (end - p < 8) {
            throw truncated(end);
        }
        pos = p + 8;
        return (long) LONG_LE.get(buf, p);
    }

    /**
     * Skips the value of a field with this tag. An end-group tag here has no start: protobuf's reader
     * refuses it too.
     */
    void skipField(int tag, int end, String message) throws InvalidProtocolBufferException {
        skipField(tag, end, message, 0);
    }

    private void skipField(int tag, int end, String message, int depth) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case WIRE_VARINT -> readVarint64(end);
            case WIRE_FIXED64 -> skipBytes(8, end);
            case WIRE_LENGTH_DELIMITED -> pos = readLengthEnd(end);
            case WIRE_FIXED32 -> skipBytes(4, end);
            case WIRE_START_GROUP -> {
                if (depth >= MAX_GROUP_DEPTH) {
                    throw new InvalidProtocolBufferException("groups nested deeper than " + MAX_GROUP_DEPTH + " in " + message);
                }
                int endTag = (tag & ~7) | WIRE_END_GROUP;
                while (true) {
                    if (pos >= end) {
                        throw truncated(end);
                    }
                    int t = readTag(end);
                    if (t == endTag) {
                        break;
                    }
                    skipField(t, end, message, depth + 1);
                }
            }
            case WIRE_END_GROUP -> throw new InvalidProtocolBufferException("unexpected end-group tag in " + message);
            default -> throw new InvalidProtocolBufferException("invalid wire type " + (tag & 7) + " in " + message);
        }
    }

    private void skipBytes(int n, int end) throws InvalidProtocolBufferException {
        if (end - pos < n) {
            throw truncated(end);
        }
        pos += n;
    }

    private InvalidProtocolBufferException truncated(int end) {
        return new InvalidProtocolBufferException("truncated message: a field at byte " + pos
                + " runs past the end of its message at byte " + end);
    }
}
