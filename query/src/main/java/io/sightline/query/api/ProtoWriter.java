package io.sightline.query.api;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Writes one protobuf message field by field, for messages that no library on the class path defines (Tempo's
 * {@code tempopb}). Proto3 rules: zero numbers and empty strings are left out. Nested messages are written
 * into their own writer first, then added with {@link #message}. Not thread-safe; cold paths only (one answer).
 */
final class ProtoWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    /** One write into memory; its IOException cannot happen. */
    @FunctionalInterface
    private interface Write {
        void to(CodedOutputStream out) throws IOException;
    }

    private ProtoWriter write(Write w) {
        try {
            w.to(out);
        } catch (IOException e) {
            throw new IllegalStateException("BUG: writing into memory failed", e);
        }
        return this;
    }

    ProtoWriter string(int field, String value) {
        return value == null || value.isEmpty() ? this : write(o -> o.writeString(field, value));
    }

    /** A uint32 field takes the low 32 bits; callers clamp larger counts first ({@link #clampUint32}). */
    ProtoWriter uint32(int field, long value) {
        return value == 0 ? this : write(o -> o.writeUInt32(field, (int) value));
    }

    ProtoWriter uint64(int field, long value) {
        return value == 0 ? this : write(o -> o.writeUInt64(field, value));
    }

    /** A double; written even when 0, so that a sample's zero value is explicit. */
    ProtoWriter float64(int field, double value) {
        return write(o -> o.writeDouble(field, value));
    }

    /** A nested message; written even when empty, as a present message field is. */
    ProtoWriter message(int field, byte[] message) {
        return write(o -> o.writeByteArray(field, message));
    }

    byte[] toByteArray() {
        write(CodedOutputStream::flush);
        return bytes.toByteArray();
    }

    /** A count as a uint32 field holds it: past 2^32-1 it saturates instead of wrapping. */
    static long clampUint32(long v) {
        return Math.min(Math.max(v, 0), 0xFFFF_FFFFL);
    }
}
