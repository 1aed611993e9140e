package io.sightline.storage.traces;

import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.sightline.storage.traces.PageEncoder.*;

/**
 * One page read back (the inverse of {@link PageEncoder}): the small per-row columns into arrays, each row's
 * attribute entry located through ATTR_LENGTHS, so that a {@link Span} is built only for the rows a query wants.
 * Not thread-safe.
 */
final class DecodedPage {
    private static final Attributes.Type[] TYPES = Attributes.Type.values();
    private static final int MAX_COUNT = 1 << 20;

    private final SegmentTables tables;
    private final int rows;
    private final byte[] spanIds;
    private final int[] parentCode;
    private final int[] explicitParent;
    private final byte[] parentIds;
    private final long[] starts;
    private final long[] durations;
    private final int[] names;
    private final byte[] kindStatus;
    private final int[] resources;
    private final int[] scopes;
    private final long[] states;
    private final int[] attrAt;
    private final ByteBuffer attrs;
    private final long[] seqs;
    private final int[] textAt;
    private final int[] textLength;
    private final byte[] texts;

    /** Decodes {@code plain} (a heap copy of the decompressed page; the page keeps it). */
    DecodedPage(ByteBuffer plain, SegmentTables tables, long minSeq) {
        this.tables = tables;
        ByteBuffer in = plain.order(ByteOrder.LITTLE_ENDIAN);
        rows = ByteReader.count(in, SegmentFormat.PAGE_ROWS);
        ByteBuffer[] col = new ByteBuffer[COLUMNS];
        ColumnCursor[] cur = new ColumnCursor[COLUMNS];
        byte[] heap = plain.array();
        for (int c = 0; c < COLUMNS; c++) {
            int len = ByteReader.count(in, in.remaining());
            col[c] = in.slice(in.position(), len).order(ByteOrder.LITTLE_ENDIAN);
            cur[c] = new ColumnCursor(heap, plain.arrayOffset() + in.position(), plain.arrayOffset() + in.position() + len);
            in.position(in.position() + len);
        }
        spanIds = bytes(col[SPAN_IDS], rows * Ids.SPAN_BYTES);
        parentCode = new int[rows];
        explicitParent = new int[rows];
        int explicit = 0;
        ColumnCursor parents = cur[PARENTS];
        for (int i = 0; i < rows; i++) {
            int code = parents.count(rows + PARENT_ROW);
            parentCode[i] = code;
            if (code == PARENT_EXPLICIT) {
                explicitParent[i] = explicit++;
            } else if (code >= PARENT_ROW && code - PARENT_ROW >= i) {
                throw new CorruptDataException("row " + i + " names a later parent row " + (code - PARENT_ROW), 0);
            }
        }
        parentIds = bytes(col[PARENT_IDS], explicit * Ids.SPAN_BYTES);
        starts = new long[rows];
        durations = new long[rows];
        names = new int[rows];
        kindStatus = new byte[rows];
        resources = new int[rows];
        scopes = new int[rows];
        states = new long[rows];
        seqs = new long[rows];
        ColumnCursor startCol = cur[STARTS];
        ColumnCursor durationCol = cur[DURATIONS];
        ColumnCursor nameCol = cur[NAMES];
        ColumnCursor kindCol = cur[KIND_STATUS];
        ColumnCursor resourceCol = cur[RESOURCES];
        ColumnCursor scopeCol = cur[SCOPES];
        ColumnCursor stateCol = cur[STATES];
        ColumnCursor seqCol = cur[SEQS];
        int maxResource = tables.resourceCount() - 1;
        int maxScope = tables.scopeCount() - 1;
        long start = 0;
        for (int i = 0; i < rows; i++) {
            start += startCol.varint();
            starts[i] = start;
            durations[i] = durationCol.uvarint();
            names[i] = nameCol.count(Integer.MAX_VALUE);
            kindStatus[i] = kindCol.get();
            resources[i] = resourceCol.count(maxResource);
            scopes[i] = scopeCol.count(maxScope);
            states[i] = stateCol.uvarint() << 32 | stateCol.uvarint();
            seqs[i] = minSeq + seqCol.uvarint();
        }
        attrs = col[ATTRS];
        attrAt = new int[rows];
        int at = 0;
        ColumnCursor attrLengths = cur[ATTR_LENGTHS];
        for (int i = 0; i < rows; i++) {
            attrAt[i] = at;
            at += attrLengths.count(attrs.remaining() - at);
        }
        ByteBuffer t = col[TEXTS];
        int[] textStart = new int[16];
        int[] len = new int[16];
        int n = 0;
        while (t.hasRemaining()) {
            if (n == textStart.length) {
                textStart = Arrays.copyOf(textStart, n * 2);
                len = Arrays.copyOf(len, n * 2);
            }
            len[n] = ByteReader.count(t, t.remaining());
            textStart[n++] = t.position();
            t.position(t.position() + len[n - 1]);
        }
        textAt = Arrays.copyOf(textStart, n);
        textLength = Arrays.copyOf(len, n);
        texts = bytes(t.rewind(), t.remaining());
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        if (b.remaining() < n) {
            throw new CorruptDataException("column holds " + b.remaining() + " bytes, expected " + n, 0);
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    int rows() {
        return rows;
    }

    long start(int i) {
        return starts[i];
    }

    long seq(int i) {
        return seqs[i];
    }

    /** Builds row {@code i} as a span of trace {@code traceId}. */
    Span span(int i, String traceId) {
        String parent = switch (parentCode[i]) {
            case PARENT_NONE -> "";
            case PARENT_EXPLICIT -> Ids.hex(parentIds, explicitParent[i] * Ids.SPAN_BYTES, Ids.SPAN_BYTES);
            default -> Ids.hex(spanIds, (parentCode[i] - PARENT_ROW) * Ids.SPAN_BYTES, Ids.SPAN_BYTES);
        };
        ByteBuffer a = attrs.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(attrAt[i]);
        Attributes attributes = readAttributes(a);
        int eventCount = ByteReader.count(a, MAX_COUNT);
        List<SpanEvent> events = eventCount == 0 ? List.of() : new ArrayList<>(eventCount);
        for (int e = 0; e < eventCount; e++) {
            long time = starts[i] + ByteReader.varint(a);
            String name = tables.dict().get(ByteReader.count(a, Integer.MAX_VALUE));
            events.add(new SpanEvent(time, name, readAttributes(a)));
        }
        int linkCount = ByteReader.count(a, MAX_COUNT);
        List<SpanLink> links = linkCount == 0 ? List.of() : new ArrayList<>(linkCount);
        for (int l = 0; l < linkCount; l++) {
            String t = Ids.read(a, ByteReader.count(a, 32));
            String s = Ids.read(a, ByteReader.count(a, 32));
            String state = text(ByteReader.uvarint(a));
            links.add(new SpanLink(t, s, state, readAttributes(a)));
        }
        int ks = kindStatus[i];
        String[] scope = tables.scope(scopes[i]);
        try {
            return new Span(traceId, Ids.hex(spanIds, i * Ids.SPAN_BYTES, Ids.SPAN_BYTES), parent,
                    text(states[i] >>> 32), tables.dict().get(names[i]), ks / 3, starts[i], starts[i] + durations[i],
                    ks % 3, text(states[i] & 0xFFFFFFFFL), attributes, tables.resource(resources[i]), scope[0],
                    scope[1], events, links);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException("row " + i + " is not a valid span: " + e.getMessage(), 0);
        }
    }

    private String text(long code) {
        int index = (int) (code >>> 1);
        if ((code & 1) == 0) {
            return tables.dict().get(index);
        }
        if (index >= textAt.length) {
            throw new CorruptDataException("inline text " + index + " outside 0.." + (textAt.length - 1), 0);
        }
        return new String(texts, textAt[index], textLength[index], StandardCharsets.UTF_8);
    }

    private Attributes readAttributes(ByteBuffer a) {
        int n = ByteReader.count(a, MAX_COUNT);
        if (n == 0) {
            return Attributes.EMPTY;
        }
        Attributes.Builder b = Attributes.builder();
        for (int k = 0; k < n; k++) {
            long keyType = ByteReader.uvarint(a);
            int type = (int) (keyType & 7);
            if (type >= TYPES.length) {
                throw new CorruptDataException("bad attribute type " + type, a.position());
            }
            String key = tables.dict().get((int) (keyType >>> 3));
            switch (TYPES[type]) {
                case INT -> b.putLong(key, ByteReader.varint(a));
                case BOOL -> b.putBool(key, a.get() != 0);
                case DOUBLE -> b.putDouble(key, Double.longBitsToDouble(ByteReader.int64(a)));
                default -> b.putText(key, TYPES[type], text(ByteReader.uvarint(a)));
            }
        }
        return b.build();
    }
}
