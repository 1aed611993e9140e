package io.sightline.storage.traces;

import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** One span as a WAL record carries it, every field as sent (see traces.md "WAL record"). */
final class SpanCodec {
    private static final Attributes.Type[] TYPES = Attributes.Type.values();
    /** Sanity bound for counts read back (attributes, events, links of one span). */
    private static final int MAX_COUNT = 1 << 20;

    private SpanCodec() {
    }

    /**
     * Appends span {@code s} to {@code out}, checking its ids on the way (trace and span id of the stored widths,
     * link ids of any even length up to 32 bytes); throws naming the bad id, leaving a partial record for the
     * caller to truncate.
     */
    static void write(Span s, SpanEncoder out) {
        out.putId("trace id", s.traceId(), Ids.TRACE_BYTES);
        out.putId("span id", s.spanId(), Ids.SPAN_BYTES);
        out.putByte(s.parentSpanId().isEmpty() ? 0 : 1);
        if (!s.parentSpanId().isEmpty()) {
            out.putId("parent span id", s.parentSpanId(), Ids.SPAN_BYTES);
        }
        out.putString(s.traceState());
        out.putString(s.name());
        out.putByte(s.kind());
        out.putVarint(s.startNanos());
        out.putUvarint(s.endNanos() - s.startNanos());
        out.putByte(s.statusCode());
        out.putString(s.statusMessage());
        writeAttributes(s.attributes(), out);
        int resourceAt = out.size();
        if (!out.repeat(s.resource())) {
            writeAttributes(s.resource(), out);
            out.remember(s.resource(), resourceAt);
        }
        out.putString(s.scopeName());
        out.putString(s.scopeVersion());
        out.putUvarint(s.events().size());
        for (SpanEvent e : s.events()) {
            out.putVarint(e.timeNanos());
            out.putString(e.name());
            writeAttributes(e.attributes(), out);
        }
        out.putUvarint(s.links().size());
        for (SpanLink l : s.links()) {
            out.putUvarint(l.traceId().length() / 2);
            out.putId("link trace id", l.traceId(), -1);
            out.putUvarint(l.spanId().length() / 2);
            out.putId("link span id", l.spanId(), -1);
            out.putString(l.traceState());
            writeAttributes(l.attributes(), out);
        }
    }

    static Span read(ByteBuffer in) {
        String traceId = Ids.read(in, Ids.TRACE_BYTES);
        String spanId = Ids.read(in, Ids.SPAN_BYTES);
        String parent = in.get() == 0 ? "" : Ids.read(in, Ids.SPAN_BYTES);
        String traceState = ByteReader.string(in);
        String name = ByteReader.string(in);
        int kind = in.get();
        long start = ByteReader.varint(in);
        long end = start + ByteReader.uvarint(in);
        int status = in.get();
        String statusMessage = ByteReader.string(in);
        Attributes attributes = readAttributes(in);
        Attributes resource = readAttributes(in);
        String scopeName = ByteReader.string(in);
        String scopeVersion = ByteReader.string(in);
        int eventCount = ByteReader.count(in, MAX_COUNT);
        List<SpanEvent> events = new ArrayList<>(eventCount);
        for (int i = 0; i < eventCount; i++) {
            events.add(new SpanEvent(ByteReader.varint(in), ByteReader.string(in), readAttributes(in)));
        }
        int linkCount = ByteReader.count(in, MAX_COUNT);
        List<SpanLink> links = new ArrayList<>(linkCount);
        for (int i = 0; i < linkCount; i++) {
            String t = Ids.read(in, ByteReader.count(in, 32));
            String sp = Ids.read(in, ByteReader.count(in, 32));
            links.add(new SpanLink(t, sp, ByteReader.string(in), readAttributes(in)));
        }
        try {
            return new Span(traceId, spanId, parent, traceState, name, kind, start, end, status, statusMessage,
                    attributes, resource, scopeName, scopeVersion, events, links);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException("bad span: " + e.getMessage(), in.position());
        }
    }

    static void writeAttributes(Attributes a, SpanEncoder out) {
        out.putUvarint(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.putString(a.key(i));
            Attributes.Type type = a.type(i);
            out.putByte(type.ordinal());
            switch (type) {
                case INT, BOOL -> out.putVarint(a.longValue(i));
                case DOUBLE -> out.putLong(Double.doubleToRawLongBits(a.doubleValue(i)));
                default -> out.putString(a.text(i));
            }
        }
    }

    static Attributes readAttributes(ByteBuffer in) {
        int n = ByteReader.count(in, MAX_COUNT);
        if (n == 0) {
            return Attributes.EMPTY;
        }
        Attributes.Builder b = Attributes.builder();
        for (int i = 0; i < n; i++) {
            String key = ByteReader.string(in);
            int type = in.get();
            if (type < 0 || type >= TYPES.length) {
                throw new CorruptDataException("bad attribute type " + type, in.position() - 1);
            }
            switch (TYPES[type]) {
                case INT -> b.putLong(key, ByteReader.varint(in));
                case BOOL -> b.putBool(key, ByteReader.varint(in) != 0);
                case DOUBLE -> b.putDouble(key, Double.longBitsToDouble(ByteReader.int64(in)));
                default -> b.putText(key, TYPES[type], ByteReader.string(in));
            }
        }
        return b.build();
    }

    /** Rough heap cost of a span in the head, for the size-based cut. */
    static long approxBytes(Span s) {
        long n = 240 + 2L * (s.name().length() + s.statusMessage().length() + s.traceState().length());
        n += attributesBytes(s.attributes());
        for (SpanEvent e : s.events()) {
            n += 64 + 2L * e.name().length() + attributesBytes(e.attributes());
        }
        for (SpanLink l : s.links()) {
            n += 160 + attributesBytes(l.attributes());
        }
        return n; // the resource is shared by the spans of a request, so it is not counted per span
    }

    private static long attributesBytes(Attributes a) {
        long n = 32;
        for (int i = 0; i < a.size(); i++) {
            String t = a.text(i);
            n += 40 + 2L * a.key(i).length() + (t == null ? 0 : 2L * t.length());
        }
        return n;
    }
}
