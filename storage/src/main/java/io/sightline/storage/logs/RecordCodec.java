package io.sightline.storage.logs;

import io.sightline.storage.index.LabelsCodec;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.model.LogRecord;

import java.nio.ByteBuffer;

/** One log record as a WAL record carries it (see logs.md "WAL record"). */
final class RecordCodec {
    private RecordCodec() {
    }

    static void write(LogRecord r, ByteSink sink) {
        LabelsCodec.write(r.stream(), sink);
        sink.putVarint(r.timestampNanos());
        sink.putVarint(r.observedNanos());
        sink.putUvarint(r.severityNumber());
        sink.putString(r.severityText());
        sink.putString(r.body());
        sink.putString(r.traceId());
        sink.putString(r.spanId());
        LabelsCodec.write(r.metadata(), sink);
    }

    static LogRecord read(ByteBuffer in) {
        return new LogRecord(LabelsCodec.read(in), ByteReader.varint(in), ByteReader.varint(in),
                ByteReader.count(in, 255), ByteReader.string(in), ByteReader.string(in), ByteReader.string(in),
                ByteReader.string(in), LabelsCodec.read(in));
    }
}
