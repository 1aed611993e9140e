package io.sightline.storage.traces;

import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Writes the rows of one page column after column (traces.md "Page"), so similar bytes sit together for the
 * compressor: raw span ids, parents as row references, delta start times, dictionary ids for repeated
 * strings. Rows arrive sorted by trace id, then start. Not thread-safe; reuses its column buffers.
 */
final class PageEncoder implements AutoCloseable {
    static final int SPAN_IDS = 0;
    static final int PARENTS = 1;
    static final int PARENT_IDS = 2;
    static final int STARTS = 3;
    static final int DURATIONS = 4;
    static final int NAMES = 5;
    static final int KIND_STATUS = 6;
    static final int RESOURCES = 7;
    static final int SCOPES = 8;
    static final int STATES = 9;
    static final int ATTRS = 10;
    static final int SEQS = 11;
    static final int TEXTS = 12;
    /** Bytes of each row's ATTRS entry, so a reader finds a row without parsing the rows before it. */
    static final int ATTR_LENGTHS = 13;
    static final int COLUMNS = 14;
    /** Parent codes: no parent, an explicit id in PARENT_IDS, else {@code row in page + PARENT_ROW}. */
    static final int PARENT_NONE = 0;
    static final int PARENT_EXPLICIT = 1;
    static final int PARENT_ROW = 2;

    private final ByteSink[] columns = new ByteSink[COLUMNS];
    private final DictionaryBuilder dict;
    private final Map<Attributes, Integer> resourceIds;
    private final Map<String, Integer> scopeIds;
    private int inlineTexts;
    /** The previous row's resource and scope with their ids: the spans of one request share them. */
    private Attributes lastResource;
    private int lastResourceId;
    private String lastScopeName;
    private String lastScopeVersion;
    private int lastScopeId;

    PageEncoder(TaggedAllocator allocator, DictionaryBuilder dict, Map<Attributes, Integer> resourceIds,
                Map<String, Integer> scopeIds) {
        for (int c = 0; c < COLUMNS; c++) {
            columns[c] = new ByteSink(allocator, MemoryTag.CHUNK, 1 << 12);
        }
        this.dict = dict;
        this.resourceIds = resourceIds;
        this.scopeIds = scopeIds;
    }

    static String scopeKey(Span s) {
        return s.scopeName() + '\0' + s.scopeVersion();
    }

    /** Encodes {@code rows[from, to)} with their commit sequences into {@code out} (cleared first). */
    void encode(Span[] rows, long[] seqs, int from, int to, long minSeq, ByteSink out) {
        for (ByteSink c : columns) {
            c.clear();
        }
        inlineTexts = 0;
        long prevStart = 0;
        String trace = null;
        int traceFrom = from;
        for (int i = from; i < to; i++) {
            Span s = rows[i];
            if (!s.traceId().equals(trace)) {
                trace = s.traceId();
                traceFrom = i;
            }
            Ids.put(s.spanId(), columns[SPAN_IDS]);
            if (s.parentSpanId().isEmpty()) {
                columns[PARENTS].putUvarint(PARENT_NONE);
            } else {
                int row = rowOf(rows, traceFrom, i, s.parentSpanId());
                if (row >= 0) {
                    columns[PARENTS].putUvarint(row - from + PARENT_ROW);
                } else {
                    columns[PARENTS].putUvarint(PARENT_EXPLICIT);
                    Ids.put(s.parentSpanId(), columns[PARENT_IDS]);
                }
            }
            columns[STARTS].putVarint(s.startNanos() - prevStart);
            prevStart = s.startNanos();
            columns[DURATIONS].putUvarint(s.endNanos() - s.startNanos());
            columns[NAMES].putUvarint(dict.id(s.name()));
            columns[KIND_STATUS].putByte(s.kind() * 3 + s.statusCode());
            if (s.resource() != lastResource) {
                lastResource = s.resource();
                lastResourceId = resourceIds.get(lastResource);
            }
            columns[RESOURCES].putUvarint(lastResourceId);
            if (s.scopeName() != lastScopeName || s.scopeVersion() != lastScopeVersion) {
                lastScopeName = s.scopeName();
                lastScopeVersion = s.scopeVersion();
                lastScopeId = scopeIds.get(scopeKey(s));
            }
            columns[SCOPES].putUvarint(lastScopeId);
            putText(s.traceState(), columns[STATES]);
            putText(s.statusMessage(), columns[STATES]);
            ByteSink a = columns[ATTRS];
            int attrsFrom = a.position();
            putAttributes(s.attributes(), a);
            a.putUvarint(s.events().size());
            for (SpanEvent e : s.events()) {
                a.putVarint(e.timeNanos() - s.startNanos());
                a.putUvarint(dict.id(e.name()));
                putAttributes(e.attributes(), a);
            }
            a.putUvarint(s.links().size());
            for (SpanLink l : s.links()) {
                a.putUvarint(l.traceId().length() / 2);
                Ids.put(l.traceId(), a);
                a.putUvarint(l.spanId().length() / 2);
                Ids.put(l.spanId(), a);
                putText(l.traceState(), a);
                putAttributes(l.attributes(), a);
            }
            columns[ATTR_LENGTHS].putUvarint(a.position() - attrsFrom);
            columns[SEQS].putUvarint(seqs[i] - minSeq);
        }
        out.clear();
        out.putUvarint(to - from);
        for (ByteSink c : columns) {
            ByteBuffer b = c.buffer().flip();
            out.putUvarint(b.remaining());
            out.ensure(b.remaining());
            out.buffer().put(b);
            c.clear();
        }
    }

    /**
     * The first row in {@code [traceFrom, before)} with span id {@code spanId}, or -1. A scan, not a map: a page
     * holds at most {@link SegmentFormat#PAGE_ROWS} rows and most traces a handful, where clearing a map per
     * trace cost more than the scan.
     */
    private static int rowOf(Span[] rows, int traceFrom, int before, String spanId) {
        for (int j = traceFrom; j < before; j++) {
            if (rows[j].spanId().equals(spanId)) {
                return j;
            }
        }
        return -1;
    }

    /** Attribute: {@code uvarint keyId << 3 | type}, then the value by type. */
    private void putAttributes(Attributes attrs, ByteSink sink) {
        sink.putUvarint(attrs.size());
        for (int k = 0; k < attrs.size(); k++) {
            Attributes.Type type = attrs.type(k);
            sink.putUvarint((long) dict.id(attrs.key(k)) << 3 | type.ordinal());
            switch (type) {
                case INT -> sink.putVarint(attrs.longValue(k));
                case BOOL -> sink.putByte(attrs.boolValue(k) ? 1 : 0);
                case DOUBLE -> sink.putLong(Double.doubleToRawLongBits(attrs.doubleValue(k)));
                default -> putText(attrs.text(k), sink);
            }
        }
    }

    /** A dictionary id as {@code id << 1}, or an inline text as {@code index << 1 | 1} with the text in TEXTS. */
    private void putText(String text, ByteSink sink) {
        int id = dict.id(text);
        if (id >= 0) {
            sink.putUvarint((long) id << 1);
        } else {
            sink.putUvarint((long) inlineTexts++ << 1 | 1);
            columns[TEXTS].putString(text);
        }
    }

    @Override
    public void close() {
        for (ByteSink c : columns) {
            c.release();
        }
    }
}
