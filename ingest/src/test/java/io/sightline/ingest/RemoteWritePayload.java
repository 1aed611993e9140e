package io.sightline.ingest;

import com.google.protobuf.CodedOutputStream;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Builds remote-write {@code WriteRequest} bodies by hand with {@link CodedOutputStream}, field by field, so
 * tests control the exact wire bytes (label order, unknown fields, broken lengths).
 */
final class RemoteWritePayload {
    private final ByteArrayOutputStream request = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(request);

    /** Adds a TimeSeries with the labels in the given order (name, value, ...) and samples (timestamp, value, ...). */
    RemoteWritePayload series(String[] labels, double... timestampValues) {
        return series(labels, 0, timestampValues);
    }

    /** As {@link #series(String[], double...)}, plus {@code histograms} empty native-histogram messages. */
    RemoteWritePayload series(String[] labels, int histograms, double... timestampValues) {
        try {
            ByteArrayOutputStream ts = new ByteArrayOutputStream();
            CodedOutputStream t = CodedOutputStream.newInstance(ts);
            for (int i = 0; i < labels.length; i += 2) {
                t.writeByteArray(1, label(labels[i], labels[i + 1]));
            }
            for (int i = 0; i < timestampValues.length; i += 2) {
                ByteArrayOutputStream sample = new ByteArrayOutputStream();
                CodedOutputStream s = CodedOutputStream.newInstance(sample);
                s.writeDouble(1, timestampValues[i + 1]);
                s.writeInt64(2, (long) timestampValues[i]);
                s.flush();
                t.writeByteArray(2, sample.toByteArray());
            }
            for (int i = 0; i < histograms; i++) {
                t.writeByteArray(4, new byte[]{0x18, 0x01}); // Histogram{sum: varint field 3 = 1}
            }
            t.writeString(99, "an unknown field"); // receivers must skip unknown fields
            t.flush();
            out.writeByteArray(1, ts.toByteArray());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a MetricMetadata entry. */
    RemoteWritePayload metadata(int type, String family, String help, String unit) {
        try {
            ByteArrayOutputStream md = new ByteArrayOutputStream();
            CodedOutputStream m = CodedOutputStream.newInstance(md);
            m.writeEnum(1, type);
            m.writeString(2, family);
            m.writeString(4, help);
            m.writeString(5, unit);
            m.flush();
            out.writeByteArray(3, md.toByteArray());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The protobuf bytes, uncompressed. */
    byte[] protobuf() {
        try {
            out.flush();
            return request.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as senders send it: snappy block format. */
    byte[] snappy() {
        return compress(protobuf());
    }

    static byte[] compress(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String[] labels(String... nameValues) {
        return nameValues;
    }

    private static byte[] label(String name, String value) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream l = CodedOutputStream.newInstance(b);
        l.writeString(1, name);
        l.writeString(2, value);
        l.flush();
        return b.toByteArray();
    }
}
