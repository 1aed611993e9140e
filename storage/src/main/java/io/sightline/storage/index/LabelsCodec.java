package io.sightline.storage.index;

import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.model.Labels;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The canonical byte form of a label set, used as the series registry key and inside WAL and block
 * records: {@code uvarint count, then per label uvarint len + UTF-8 name, uvarint len + UTF-8 value}, in
 * label order. Equal label sets have equal bytes.
 */
public final class LabelsCodec {
    /** Bounds decoding of damaged input; far above any label limit the edge enforces. */
    static final int MAX_LABELS = 1 << 16;

    private LabelsCodec() {
    }

    /**
     * The canonical bytes of {@code labels}, sized exactly in a first pass and encoded straight into the result:
     * a series registration encodes its labels once, and a byte[] per name and value (plus the array holding
     * them) was a third of the bytes allocated per new series.
     */
    public static byte[] toBytes(Labels labels) {
        int n = labels.size();
        int size = LabelsDelta.uvarintBytes(n);
        for (int i = 0; i < n; i++) {
            int name = utf8Length(labels.name(i));
            int value = utf8Length(labels.value(i));
            size += LabelsDelta.uvarintBytes(name) + name + LabelsDelta.uvarintBytes(value) + value;
        }
        byte[] out = new byte[size];
        int at = putUvarint(out, 0, n);
        for (int i = 0; i < n; i++) {
            at = putString(out, at, labels.name(i));
            at = putString(out, at, labels.value(i));
        }
        if (at != size) {
            throw new IllegalStateException("BUG: label set encoded to " + at + " bytes, sized " + size);
        }
        return out;
    }

    /** Length-prefixed UTF-8 of {@code s} at {@code at}; returns the end. */
    private static int putString(byte[] out, int at, String s) {
        int len = s.length();
        if (isAscii(s)) {
            at = putUvarint(out, at, len);
            for (int i = 0; i < len; i++) {
                out[at++] = (byte) s.charAt(i);
            }
            return at;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8); // rare: label names are ASCII, most values too
        at = putUvarint(out, at, b.length);
        System.arraycopy(b, 0, out, at, b.length);
        return at + b.length;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * The UTF-8 length of {@code s} as {@link String#getBytes} encodes it (an unpaired surrogate becomes
     * {@code '?'}, one byte), without encoding it.
     */
    static int utf8Length(String s) {
        int len = s.length();
        int bytes = len;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // 4 bytes for the two chars
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 0; // unpaired: '?'
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    private static int putUvarint(byte[] out, int at, int v) {
        while ((v & ~0x7F) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }

    /** As {@link #toBytes}, into {@code sink} (WAL and block records): no byte[] per ASCII name or value. */
    public static void write(Labels labels, ByteSink sink) {
        sink.putUvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            putString(sink, labels.name(i));
            putString(sink, labels.value(i));
        }
    }

    private static void putString(ByteSink sink, String s) {
        if (!isAscii(s)) {
            sink.putString(s);
            return;
        }
        int len = s.length();
        sink.putUvarint(len);
        sink.ensure(len);
        ByteBuffer b = sink.buffer();
        for (int i = 0; i < len; i++) {
            b.put((byte) s.charAt(i));
        }
    }

    /** Reads one label set at the buffer's position and advances past it. */
    public static Labels read(ByteBuffer in) {
        int n = ByteReader.count(in, MAX_LABELS);
        String[] pairs = new String[n * 2];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = ByteReader.string(in);
        }
        return Labels.of(pairs);
    }

    static void uvarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
