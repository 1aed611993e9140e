package io.sightline.storage.logs;

import io.sightline.storage.index.LabelsCodec;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;

import java.nio.ByteBuffer;
import java.util.Map;

/** One log record as a WAL record carries it (see logs.md "WAL record"). */
final class RecordCodec {
    private RecordCodec() {
    }

    /**
     * Writes {@code r}, taking the encoded label sets from {@code encoded} (filled on first use): the records of one
     * request share a few stream and metadata label sets, and encoding them string by string for every record was
     * 40% of the WAL's allocation (JFR, 1 GB corpus).
     */
    static void write(LogRecord r, ByteSink sink, Map<Labels, byte[]> encoded) {
        sink.putBytes(encoded.computeIfAbsent(r.stream(), LabelsCodec::toBytes));
        sink.putVarint(r.timestampNanos());
        sink.putVarint(r.observedNanos());
        sink.putUvarint(r.severityNumber());
        putString(r.severityText(), sink);
        sink.putString(r.body());
        putString(r.traceId(), sink);
        putString(r.spanId(), sink);
        sink.putBytes(encoded.computeIfAbsent(r.metadata(), LabelsCodec::toBytes));
    }

    /** Empty strings (most severity texts and ids) without the encoder's empty array. */
    private static void putString(String s, ByteSink sink) {
        if (s.isEmpty()) {
            sink.putUvarint(0);
        } else {
            sink.putString(s);
        }
    }

    static LogRecord read(ByteBuffer in) {
        return new LogRecord(LabelsCodec.read(in), ByteReader.varint(in), ByteReader.varint(in),
                ByteReader.count(in, 255), ByteReader.string(in), ByteReader.string(in), ByteReader.string(in),
                ByteReader.string(in), LabelsCodec.read(in));
    }
}
