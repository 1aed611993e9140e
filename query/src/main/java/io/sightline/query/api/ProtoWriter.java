package io.sightline.query.api;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Writes one protobuf message field by field, for messages that no library on the class path defines (Tempo's
 * {@code tempopb}). Proto3 rules: zero numbers and empty strings are left out. Nested messages are written
 * into their own writer first, then added with {@link #message}. Not thread-safe; cold paths only (one search answer).
 */
final class ProtoWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoWriter string(int field, String value) {
        if (value != null && !value.isEmpty()) {
            try {
                out.writeString(field, value);
            } catch (IOException e) {
                throw unexpected(e);
            }
        }
        return this;
    }

    ProtoWriter uint32(int field, long value) {
        if (value != 0) {
            try {
                // uint32 fields take the low 32 bits; callers clamp larger counts first.
                out.writeUInt32(field, (int) value);
            } catch (IOException e) {
                throw unexpected(e);
            }
        }
        return this;
    }

    ProtoWriter uint64(int field, long value) {
        if (value != 0) {
            try {
                out.writeUInt64(field, value);
            } catch (IOException e) {
                throw unexpected(e);
            }
        }
        return this;
    }

    /** A double; written even when 0, so that a sample's zero value is explicit. */
    ProtoWriter float64(int field, double value) {
        try {
            out.writeDouble(field, value);
        } catch (IOException e) {
            throw unexpected(e);
        }
        return this;
    }

    /** A nested message; written even when empty, as a present message field is. */
    ProtoWriter message(int field, byte[] message) {
        try {
            out.writeByteArray(field, message);
        } catch (IOException e) {
            throw unexpected(e);
        }
        return this;
    }

    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw unexpected(e);
        }
        return bytes.toByteArray();
    }

    /** A count as a uint32 field holds it: past 2^32-1 it saturates instead of wrapping. */
    static long clampUint32(long v) {
        return Math.min(Math.max(v, 0), 0xFFFF_FFFFL);
    }

    private static IllegalStateException unexpected(IOException e) {
        return new IllegalStateException("BUG: writing into memory failed", e);
    }
}
