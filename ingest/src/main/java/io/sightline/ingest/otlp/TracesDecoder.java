package io.sightline.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads an OTLP {@code ExportTraceServiceRequest} from its protobuf bytes straight into {@link Span}s, without
 * protobuf's object tree (which was ~3.1 of ~4 KB allocated per span): ids go from the wire to hex text, repeated
 * strings come from a per-thread {@link StringCache}, consecutive spans of one trace share their trace id text.
 *
 * <p>Same answers as {@code ExportTraceServiceRequest.parseFrom} followed by {@link TracesTranslator#translate}
 * (checked span by span in {@code TracesDecoderTest}): the same spans in the same order, the same rejections with the
 * same first message, {@link InvalidProtocolBufferException} where the parser throws (truncated input, bad tags or
 * wire types, invalid UTF-8 in any string field, an end-group tag outside a group). Protobuf's merge rules hold:
 * the last value of a scalar field wins, a resource or scope sent twice is merged, a field with an unexpected wire
 * type is skipped as unknown. Rare shapes are handed to protobuf itself: an attribute value that is an array or
 * key-value list (or a key-value sent with two values) is parsed as an {@link AnyValue} / {@link KeyValue} message;
 * scope attributes and resource entity refs are parsed only to check them, as the parser would. One known
 * difference: the parser's nesting limit (100) is counted from such a value, not from the request, so a value
 * nested 94–100 deep inside an attribute is accepted here and refused by the parser.
 *
 * <p>Thread-safe through {@link #decode}, which uses one decoder per thread (each holds its string cache, at most
 * about 0.6 MB: the OTLP gRPC event loops and the ingest write pool are small, fixed sets of threads).
 */
public final class TracesDecoder {
    private static final ThreadLocal<TracesDecoder> DECODERS = ThreadLocal.withInitial(TracesDecoder::new);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LEN = 2;
    private static final int WIRE_START_GROUP = 3;
    private static final int WIRE_END_GROUP = 4;
    private static final int WIRE_FIXED32 = 5;
    /** Span ids recently seen, by value, so a child's parent id reuses its parent's text. */
    private static final int RECENT_IDS = 64;
    private static final int MAX_GROUP_DEPTH = 100;

    private final StringCache strings = new StringCache();
    private final Attributes.Builder resourceAttributes = Attributes.builder();
    private final Attributes.Builder spanAttributes = Attributes.builder();
    private final Attributes.Builder nestedAttributes = Attributes.builder();
    private final byte[] hexScratch = new byte[64];
    private final long[] recentIdKeys = new long[RECENT_IDS];
    private final String[] recentIds = new String[RECENT_IDS];
    private byte[] buf;
    private int pos;
    /** The last trace id decoded, as bytes and text (the spans of a trace usually arrive together). */
    private long lastTraceHi;
    private long lastTraceLo;
    private String lastTrace;
    // Per request
    private List<Span> spans;
    private long rejected;
    /** Made at the first rejected span of a request: most requests have none. */
    private RejectReasons reasons;
    private String firstProblem;
    // Per scope
    private Attributes resource;
    private String scopeName;
    private String scopeVersion;
    // Per span, reset by span()
    private int traceFrom;
    private int traceLength;
    private int spanFrom;
    private int spanLength;
    private int parentFrom;
    private int parentLength;
    private String traceState;
    private String name;
    private int kind;
    private long start;
    private long end;
    private int statusCode;
    private String statusMessage;
    private List<SpanEvent> events;
    private List<SpanLink> links;
    private String linkProblem;

    private TracesDecoder() {
    }

    /**
     * Decodes {@code body}, a protobuf {@code ExportTraceServiceRequest}.
     *
     * @throws InvalidProtocolBufferException when {@code body} is not a valid message; nothing is then returned
     */
    public static SpanBatch decode(byte[] body) throws InvalidProtocolBufferException {
        TracesDecoder d = DECODERS.get();
        try {
            return d.request(body);
        } finally {
            d.buf = null;
            d.spans = null;
            d.resource = null;
        }
    }

    private SpanBatch request(byte[] body) throws InvalidProtocolBufferException {
        buf = body;
        pos = 0;
        spans = new ArrayList<>();
        rejected = 0;
        firstProblem = null;
        reasons = null;
        int end = body.length;
        while (pos < end) {
            int tag = readTag(end);
            if (tag == (1 << 3 | WIRE_LEN)) {
                int len = readLength(end);
                resourceSpans(pos, pos + len);
            } else {
                skipField(tag, end);
            }
        }
        String message = firstProblem == null ? null
                : rejected == 1 ? firstProblem : firstProblem + " (and " + (rejected - 1) + " more rejected spans)";
        return new SpanBatch(spans, new TracesTranslator.Result(spans.size(), rejected, message,
                reasons == null ? Map.of() : reasons.counts()));
    }

    /** Two passes: the resource may follow the scope spans on the wire, and every span needs it. */
    private void resourceSpans(int from, int to) throws InvalidProtocolBufferException {
        resourceAttributes.clear();
        pos = from;
        while (pos < to) {
            int tag = readTag(to);
            if (tag == (1 << 3 | WIRE_LEN)) {
                int len = readLength(to);
                resourceMessage(pos + len);
            } else if (tag == (3 << 3 | WIRE_LEN)) {
                skipString(to); // schema_url
            } else {
                skipField(tag, to);
            }
        }
        resource = resourceAttributes.build();
        pos = from;
        while (pos < to) {
            int tag = readTag(to);
            if (tag == (2 << 3 | WIRE_LEN)) {
                int len = readLength(to);
                int next = pos + len;
                scopeSpans(pos, next);
                pos = next;
            } else {
                skipField(tag, to);
            }
        }
    }

    private void resourceMessage(int to) throws InvalidProtocolBufferException {
        while (pos < to) {
            int tag = readTag(to);
            if (tag == (1 << 3 | WIRE_LEN)) {
                keyValue(readLength(to), resourceAttributes);
            } else if (tag == (3 << 3 | WIRE_LEN)) {
                int len = readLength(to);
                EntityRef.parseFrom(slice(len)); // not stored; parsed so that it fails as the parser would
                pos += len;
            } else {
                skipField(tag, to);
            }
        }
    }

    private void scopeSpans(int from, int to) throws InvalidProtocolBufferException {
        scopeName = "";
        scopeVersion = "";
        pos = from;
        while (pos < to) {
            int tag = readTag(to);
            if (tag == (1 << 3 | WIRE_LEN)) {
                int len = readLength(to);
                scope(pos + len);
            } else if (tag == (3 << 3 | WIRE_LEN)) {
                skipString(to); // schema_url
            } else {
                skipField(tag, to);
            }
        }
        pos = from;
        while (pos < to) {
            int tag = readTag(to);
            if (tag == (2 << 3 | WIRE_LEN)) {
                int len = readLength(to);
                span(pos + len);
            } else {
                skipField(tag, to);
            }
        }
    }

    private void scope(int to) throws InvalidProtocolBufferException {
        while (pos < to) {
            int tag = readTag(to);
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> scopeName = readString(to);
                case 2 << 3 | WIRE_LEN -> scopeVersion = readString(to);
                case 3 << 3 | WIRE_LEN -> {
                    int len = readLength(to);
                    KeyValue.parseFrom(slice(len)); // scope attributes are not stored; checked as the parser would
                    pos += len;
                }
                default -> skipField(tag, to);
            }
        }
    }

    private void span(int to) throws InvalidProtocolBufferException {
        traceFrom = spanFrom = parentFrom = 0;
        traceLength = spanLength = parentLength = 0;
        traceState = name = statusMessage = "";
        kind = statusCode = 0;
        start = end = 0;
        events = List.of();
        links = List.of();
        linkProblem = null;
        spanAttributes.clear();
        while (pos < to) {
            int tag = readTag(to);
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> {
                    traceLength = readLength(to);
                    traceFrom = pos;
                    pos += traceLength;
                }
                case 2 << 3 | WIRE_LEN -> {
                    spanLength = readLength(to);
                    spanFrom = pos;
                    pos += spanLength;
                }
                case 3 << 3 | WIRE_LEN -> traceState = readString(to);
                case 4 << 3 | WIRE_LEN -> {
                    parentLength = readLength(to);
                    parentFrom = pos;
                    pos += parentLength;
                }
                case 5 << 3 | WIRE_LEN -> name = readString(to);
                case 6 << 3 | WIRE_VARINT -> kind = (int) readVarint(to);
                case 7 << 3 | WIRE_FIXED64 -> start = readFixed64(to);
                case 8 << 3 | WIRE_FIXED64 -> end = readFixed64(to);
                case 9 << 3 | WIRE_LEN -> keyValue(readLength(to), spanAttributes);
                case 11 << 3 | WIRE_LEN -> event(readLength(to));
                case 13 << 3 | WIRE_LEN -> link(readLength(to));
                case 15 << 3 | WIRE_LEN -> {
                    int len = readLength(to);
                    status(pos + len);
                }
                default -> skipField(tag, to);
            }
        }
        String problem = problem();
        if (problem != null) {
            if (firstProblem == null) {
                firstProblem = "span \"" + name + "\" (trace " + hex(traceFrom, traceLength) + "): " + problem;
            }
            rejected++;
            if (reasons == null) {
                reasons = RejectReasons.create();
            }
            reasons.spanRejected(problem);
            return;
        }
        String spanId = spanId(spanFrom);
        String parent = parentLength == 0 || isAllZero(parentFrom, parentLength) ? "" : spanId(parentFrom);
        spans.add(new Span(traceId(traceFrom), spanId, parent, traceState, name, kind, start, end, statusCode,
                statusMessage, spanAttributes.build(), resource, scopeName, scopeVersion, events, links));
    }

    /** As {@link TracesTranslator#problem}, in the same order with the same words. */
    private String problem() {
        String p = idProblem("trace_id", traceFrom, traceLength, 16);
        if (p == null) {
            p = idProblem("span_id", spanFrom, spanLength, 8);
        }
        if (p == null && parentLength != 0 && parentLength != 8) {
            p = "parent_span_id must be empty or 8 bytes, got " + parentLength;
        }
        if (p != null) {
            return p;
        }
        if (start == 0) {
            return "start_time_unix_nano is missing (0)";
        }
        if (Long.compareUnsigned(end, start) < 0) {
            return "end_time_unix_nano " + Long.toUnsignedString(end) + " is before start_time_unix_nano "
                    + Long.toUnsignedString(start);
        }
        if (start < 0 || end < 0) {
            return "timestamps past the year 2262 are not supported";
        }
        if (kind < Span.KIND_UNSPECIFIED || kind > Span.KIND_CONSUMER) {
            return "kind " + kind + " is not an OTLP SpanKind (0..5)";
        }
        if (statusCode < Span.STATUS_UNSET || statusCode > Span.STATUS_ERROR) {
            return "status code " + statusCode + " is not an OTLP StatusCode (0..2)";
        }
        return linkProblem;
    }

    private String idProblem(String field, int from, int length, int size) {
        if (length != size) {
            return field + " must be " + size + " bytes, got " + length;
        }
        if (isAllZero(from, length)) {
            return field + " must not be all zeros";
        }
        return null;
    }

    private void status(int to) throws InvalidProtocolBufferException {
        while (pos < to) {
            int tag = readTag(to);
            switch (tag) {
                case 2 << 3 | WIRE_LEN -> statusMessage = readString(to);
                case 3 << 3 | WIRE_VARINT -> statusCode = (int) readVarint(to);
                default -> skipField(tag, to);
            }
        }
    }

    private void event(int length) throws InvalidProtocolBufferException {
        int to = pos + length;
        long time = 0;
        String eventName = "";
        nestedAttributes.clear();
        while (pos < to) {
            int tag = readTag(to);
            switch (tag) {
                case 1 << 3 | WIRE_FIXED64 -> time = readFixed64(to);
                case 2 << 3 | WIRE_LEN -> eventName = readString(to);
                case 3 << 3 | WIRE_LEN -> keyValue(readLength(to), nestedAttributes);
                default -> skipField(tag, to);
            }
        }
        if (events.isEmpty()) {
            events = new ArrayList<>(2);
        }
        events.add(new SpanEvent(time, eventName, nestedAttributes.build()));
    }

    private void link(int length) throws InvalidProtocolBufferException {
        int to = pos + length;
        int linkTraceFrom = 0;
        int linkTraceLength = 0;
        int linkSpanFrom = 0;
        int linkSpanLength = 0;
        String state = "";
        nestedAttributes.clear();
        while (pos < to) {
            int tag = readTag(to);
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> {
                    linkTraceLength = readLength(to);
                    linkTraceFrom = pos;
                    pos += linkTraceLength;
                }
                case 2 << 3 | WIRE_LEN -> {
                    linkSpanLength = readLength(to);
                    linkSpanFrom = pos;
                    pos += linkSpanLength;
                }
                case 3 << 3 | WIRE_LEN -> state = readString(to);
                case 4 << 3 | WIRE_LEN -> keyValue(readLength(to), nestedAttributes);
                default -> skipField(tag, to);
            }
        }
        String p = idProblem("link trace_id", linkTraceFrom, linkTraceLength, 16);
        if (p == null) {
            p = idProblem("link span_id", linkSpanFrom, linkSpanLength, 8);
        }
        if (p != null) {
            if (linkProblem == null) {
                linkProblem = p; // the span is rejected; its links are not built
            }
            return;
        }
        if (links.isEmpty()) {
            links = new ArrayList<>(2);
        }
        links.add(new SpanLink(hex(linkTraceFrom, 16), hex(linkSpanFrom, 8), state, nestedAttributes.build()));
    }

    /** One {@code KeyValue} into {@code into}, with {@link TypedAttributes}' rules. */
    private void keyValue(int length, Attributes.Builder into) throws InvalidProtocolBufferException {
        int from = pos;
        int to = pos + length;
        String key = "";
        int values = 0;
        int valueFrom = 0;
        int valueTo = 0;
        while (pos < to) {
            int tag = readTag(to);
            if (tag == (1 << 3 | WIRE_LEN)) {
                key = readString(to);
            } else if (tag == (2 << 3 | WIRE_LEN)) {
                int len = readLength(to);
                valueFrom = pos;
                valueTo = pos + len;
                pos = valueTo;
                values++;
            } else {
                skipField(tag, to);
            }
        }
        if (values == 1) {
            pos = valueFrom;
            anyValue(key, valueTo, into);
            pos = to;
        } else if (values > 1) { // the parser merges the two values; let it
            KeyValue kv = KeyValue.parseFrom(Arrays.copyOfRange(buf, from, to));
            TypedAttributes.put(into, kv.getKey(), kv.getValue());
        }
    }

    private void anyValue(String key, int to, Attributes.Builder into) throws InvalidProtocolBufferException {
        int from = pos;
        int last = 0; // field number of the oneof case set last, 0 for none
        boolean hasNested = false;
        String text = null;
        long bits = 0;
        int bytesFrom = 0;
        int bytesLength = 0;
        while (pos < to) {
            int tag = readTag(to);
            switch (tag) {
                case 1 << 3 | WIRE_LEN -> {
                    text = readString(to);
                    last = 1;
                }
                case 2 << 3 | WIRE_VARINT -> {
                    bits = readVarint(to) != 0 ? 1 : 0;
                    last = 2;
                }
                case 3 << 3 | WIRE_VARINT -> {
                    bits = readVarint(to);
                    last = 3;
                }
                case 4 << 3 | WIRE_FIXED64 -> {
                    bits = readFixed64(to);
                    last = 4;
                }
                case 5 << 3 | WIRE_LEN, 6 << 3 | WIRE_LEN -> {
                    int len = readLength(to);
                    pos += len;
                    last = tag >>> 3;
                    hasNested = true;
                }
                case 7 << 3 | WIRE_LEN -> {
                    bytesLength = readLength(to);
                    bytesFrom = pos;
                    pos += bytesLength;
                    last = 7;
                }
                case 8 << 3 | WIRE_VARINT -> {
                    readVarint(to);
                    last = 8;
                }
                default -> skipField(tag, to);
            }
        }
        if (hasNested) { // arrays and lists: rare; protobuf parses them (and checks every nested string) and prints the JSON
            TypedAttributes.put(into, key, AnyValue.parseFrom(Arrays.copyOfRange(buf, from, to)));
            return;
        }
        switch (last) {
            case 1 -> into.putString(key, text);
            case 2 -> into.putBool(key, bits != 0);
            case 3 -> into.putLong(key, bits);
            case 4 -> into.putDouble(key, Double.longBitsToDouble(bits));
            case 7 -> into.putText(key, Attributes.Type.BYTES,
                    Base64.getEncoder().encodeToString(Arrays.copyOfRange(buf, bytesFrom, bytesFrom + bytesLength)));
            default -> {
                // Not set, or an index into a dictionary this request does not carry: nothing to store.
            }
        }
    }

    private String traceId(int from) {
        long hi = readLongBigEndian(from);
        long lo = readLongBigEndian(from + 8);
        if (lastTrace == null || hi != lastTraceHi || lo != lastTraceLo) {
            lastTraceHi = hi;
            lastTraceLo = lo;
            lastTrace = hex(from, 16);
        }
        return lastTrace;
    }

    /** The text of the 8-byte span id at {@code from}, shared with the span that had the same id recently. */
    private String spanId(int from) {
        long id = readLongBigEndian(from);
        int slot = (int) (id * 0x9E3779B97F4A7C15L >>> 58);
        if (recentIdKeys[slot] == id && recentIds[slot] != null) {
            return recentIds[slot];
        }
        String s = hex(from, 8);
        recentIdKeys[slot] = id;
        recentIds[slot] = s;
        return s;
    }

    private String hex(int from, int length) {
        byte[] out = length <= 32 ? hexScratch : new byte[length * 2];
        for (int i = 0; i < length; i++) {
            int b = buf[from + i] & 0xFF;
            out[2 * i] = HEX[b >>> 4];
            out[2 * i + 1] = HEX[b & 0xF];
        }
        return new String(out, 0, length * 2, StandardCharsets.ISO_8859_1);
    }

    private long readLongBigEndian(int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (buf[from + i] & 0xFF);
        }
        return v;
    }

    private boolean isAllZero(int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private byte[] slice(int length) {
        return Arrays.copyOfRange(buf, pos, pos + length);
    }

    // Wire format, as protobuf's CodedInputStream reads it

    private int readTag(int to) throws InvalidProtocolBufferException {
        int tag = (int) readVarint(to);
        if (tag >>> 3 == 0) {
            throw new InvalidProtocolBufferException("Protocol message contained an invalid tag (zero).");
        }
        return tag;
    }

    private long readVarint(int to) throws InvalidProtocolBufferException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= to) {
                throw truncated();
            }
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
    }

    private long readFixed64(int to) throws InvalidProtocolBufferException {
        if (to - pos < 8) {
            throw truncated();
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return v;
    }

    /** A length prefix that fits in what is left up to {@code to}; the content starts at {@code pos}. */
    private int readLength(int to) throws InvalidProtocolBufferException {
        int len = (int) readVarint(to);
        if (len < 0) {
            throw new InvalidProtocolBufferException("CodedInputStream encountered an embedded string or message which"
                    + " claimed to have negative size.");
        }
        if (len > to - pos) {
            throw truncated();
        }
        return len;
    }

    private String readString(int to) throws InvalidProtocolBufferException {
        int len = readLength(to);
        String s = strings.get(buf, pos, len);
        pos += len;
        return s;
    }

    private void skipString(int to) throws InvalidProtocolBufferException {
        int len = readLength(to);
        if (!StringCache.isValidUtf8(buf, pos, pos + len)) {
            throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        pos += len;
    }

    private void skipField(int tag, int to) throws InvalidProtocolBufferException {
        skipField(tag, to, 0);
    }

    /** Skips an unknown field; groups nest at most {@value #MAX_GROUP_DEPTH} deep, as the parser's recursion limit. */
    private void skipField(int tag, int to, int depth) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case WIRE_VARINT -> readVarint(to);
            case WIRE_FIXED64 -> skipBytes(8, to);
            case WIRE_LEN -> {
                int len = readLength(to); // not "pos += readLength(to)": Java reads pos before the call moves it
                pos += len;
            }
            case WIRE_START_GROUP -> {
                if (depth >= MAX_GROUP_DEPTH) {
                    throw new InvalidProtocolBufferException("Protocol message had too many levels of nesting.");
                }
                int endTag = (tag & ~7) | WIRE_END_GROUP;
                while (true) {
                    if (pos >= to) {
                        throw truncated();
                    }
                    int t = readTag(to);
                    if (t == endTag) {
                        break;
                    }
                    skipField(t, to, depth + 1);
                }
            }
            case WIRE_END_GROUP -> throw new InvalidProtocolBufferException(
                    "Protocol message end-group tag did not match expected tag.");
            case WIRE_FIXED32 -> skipBytes(4, to);
            default -> throw new InvalidProtocolBufferException("Protocol message tag had invalid wire type.");
        }
    }

    private void skipBytes(int n, int to) throws InvalidProtocolBufferException {
        if (to - pos < n) {
            throw truncated();
        }
        pos += n;
    }

    private static InvalidProtocolBufferException truncated() {
        return new InvalidProtocolBufferException("While parsing a protocol message, the input ended unexpectedly in"
                + " the middle of a field.  This could mean either that the input has been truncated or that an"
                + " embedded message misreported its own length.");
    }
}
