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

    public static byte[] toBytes(Labels labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * labels.size() + 8);
        uvarint(out, labels.size());
        for (int i = 0; i < labels.size(); i++) {
            string(out, labels.name(i));
            string(out, labels.value(i));
        }
        return out.toByteArray();
    }

    public static void write(Labels labels, ByteSink sink) {
        sink.putUvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            sink.putString(labels.name(i));
            sink.putString(labels.value(i));
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

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        uvarint(out, b.length);
        out.writeBytes(b);
    }

    static void uvarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
