package io.sightline.storage.traces;

import com.github.luben.zstd.Zstd;
import io.sightline.storage.SpanTerm;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.FileSink;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;
import io.sightline.storage.segment.SegmentDirs;
import io.sightline.storage.segment.SegmentSections;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one immutable span segment from a frozen head (traces.md): rows sorted by trace id then start, in
 * zstd-compressed column pages; then the dictionary, the meta section (resource and scope tables, page index,
 * tag table), the postings and the trace table. Written under a temporary name, fsynced, then renamed, so a
 * crash leaves either nothing or a whole segment. Not thread-safe.
 */
final class SegmentWriter {
    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final Set<String> indexedKeys;

    SegmentWriter(TaggedAllocator allocator, List<String> indexedKeys) {
        this.allocator = allocator;
        this.files = allocator.files();
        this.indexedKeys = Set.copyOf(indexedKeys);
    }

    /** Writes the spans of frozen {@code head} as segment {@code walNumber} under {@code dir}; returns its directory. */
    Path write(Path dir, int walNumber, TraceHead head) throws IOException {
        String name = SegmentFormat.dirName(walNumber);
        Path tmp = SegmentDirs.createTmp(files, dir, name);
        Rows rows = Rows.sorted(head);
        Tables tables = new Tables();
        for (Span s : rows.spans) {
            tables.collect(s);
        }
        ByteSink dictBytes = new ByteSink(allocator, MemoryTag.CHUNK, 1 << 16);
        ByteSink raw = new ByteSink(allocator, MemoryTag.CHUNK, 1 << 17);
        ByteSink meta = new ByteSink(allocator, MemoryTag.CHUNK, 1 << 12);
        try (PageEncoder encoder = new PageEncoder(allocator, tables.dict, tables.resources, tables.scopes);
             FileSink out = new FileSink(tmp.resolve(SegmentFormat.FILE), allocator, MemoryTag.CHUNK)) {
            tables.dict.freezeAndWrite(dictBytes);
            FileHeader.write(out.out(), SegmentFormat.MAGIC, SegmentFormat.VERSION);
            int n = rows.spans.length;
            List<long[]> pages = new ArrayList<>();
            for (int from = 0; from < n; from += SegmentFormat.PAGE_ROWS) {
                int to = Math.min(n, from + SegmentFormat.PAGE_ROWS);
                encoder.encode(rows.spans, rows.seqs, from, to, rows.minSeq, raw);
                byte[] plain = new byte[raw.position()];
                raw.buffer().flip().get(plain);
                byte[] packed = Zstd.compress(plain, SegmentFormat.ZSTD_LEVEL);
                long offset = out.position();
                out.out().putBytes(packed);
                out.maybeFlush();
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int i = from; i < to; i++) {
                    min = Math.min(min, rows.spans[i].startNanos());
                    max = Math.max(max, rows.spans[i].startNanos());
                }
                pages.add(new long[] {to - from, min, max, offset, packed.length, plain.length});
            }
            long[] offsets = new long[5];
            int[] crcs = new int[5];
            offsets[0] = SegmentSections.copy(out, dictBytes);
            crcs[0] = out.sectionCrc();
            writeMeta(meta, rows, tables, pages);
            offsets[1] = SegmentSections.copy(out, meta);
            crcs[1] = out.sectionCrc();
            offsets[2] = out.position();
            writePostings(postings(rows, tables), out);
            crcs[2] = out.sectionCrc();
            offsets[3] = out.position();
            writeTraces(rows, out);
            crcs[3] = out.sectionCrc();
            offsets[4] = out.position();
            ByteSink o = out.out();
            for (long off : offsets) {
                o.putLong(off);
            }
            for (int crc : crcs) {
                o.putInt(crc);
            }
            SegmentSections.endFooter(o, SegmentFormat.MAGIC);
            out.finish();
        } finally {
            dictBytes.release();
            raw.release();
            meta.release();
        }
        return SegmentDirs.publish(files, dir, tmp, name);
    }

    private void writeMeta(ByteSink meta, Rows rows, Tables tables, List<long[]> pages) {
        meta.clear();
        meta.putUvarint(rows.spans.length);
        meta.putUvarint(rows.minSeq);
        meta.putUvarint(rows.maxSeq);
        meta.putUvarint(tables.resources.size());
        for (Attributes r : tables.resources.keySet()) {
            meta.putUvarint(r.size());
            for (int k = 0; k < r.size(); k++) {
                Attributes.Type type = r.type(k);
                meta.putUvarint((long) tables.dict.id(r.key(k)) << 3 | type.ordinal());
                switch (type) {
                    case INT, BOOL -> meta.putVarint(r.longValue(k));
                    case DOUBLE -> meta.putLong(Double.doubleToRawLongBits(r.doubleValue(k)));
                    default -> meta.putUvarint(tables.dict.id(r.text(k)));
                }
            }
        }
        meta.putUvarint(tables.scopes.size());
        for (String scope : tables.scopes.keySet()) {
            int cut = scope.indexOf('\0');
            meta.putUvarint(tables.dict.id(scope.substring(0, cut)));
            meta.putUvarint(tables.dict.id(scope.substring(cut + 1)));
        }
        meta.putUvarint(pages.size());
        for (long[] p : pages) {
            meta.putUvarint(p[0]);
            meta.putVarint(p[1]);
            meta.putVarint(p[2]);
            meta.putUvarint(p[3]);
            meta.putUvarint(p[4]);
            meta.putUvarint(p[5]);
        }
        for (Map<String, Set<String>> tags : List.of(tables.spanTags, tables.resourceTags)) {
            meta.putUvarint(tags.size());
            for (Map.Entry<String, Set<String>> e : tags.entrySet()) {
                meta.putUvarint(tables.dict.id(e.getKey()));
                int[] ids = e.getValue().stream().mapToInt(tables.dict::id).sorted().toArray();
                meta.putUvarint(ids.length);
                int prev = 0;
                for (int id : ids) {
                    meta.putUvarint(id - prev);
                    prev = id;
                }
            }
        }
        // The keys with postings when this segment was written: a term on any other key is checked row by row.
        List<String> indexed = indexedKeys.stream().filter(tables.dict::contains).sorted().toList();
        meta.putUvarint(indexed.size());
        for (String key : indexed) {
            meta.putUvarint(tables.dict.id(key));
        }
    }

    private RowLists postings(Rows rows, Tables tables) {
        RowLists lists = new RowLists();
        DictionaryBuilder dict = tables.dict;
        Map<Attributes, long[]> resourceKeys = new HashMap<>();
        Attributes lastResource = null;
        long[] lastKeys = null;
        for (int row = 0; row < rows.spans.length; row++) {
            Span s = rows.spans[row];
            lists.add(TermKeys.key(SpanTerm.Field.NAME, 0, dict.id(s.name())), row);
            lists.add(TermKeys.key(SpanTerm.Field.KIND, 0, s.kind()), row);
            lists.add(TermKeys.key(SpanTerm.Field.STATUS, 0, s.statusCode()), row);
            Attributes a = s.attributes();
            for (int k = 0; k < a.size(); k++) {
                if (indexedKeys.contains(a.key(k))) {
                    lists.add(TermKeys.key(SpanTerm.Field.SPAN_ATTRIBUTE, dict.id(a.key(k)), dict.id(a.stringValue(k))), row);
                }
            }
            if (s.resource() != lastResource) { // the spans of one request share theirs
                lastResource = s.resource();
                lastKeys = resourceKeys.computeIfAbsent(lastResource, r -> resourceTermKeys(r, dict));
            }
            for (long key : lastKeys) {
                lists.add(key, row);
            }
        }
        return lists;
    }

    /** The postings keys a resource gives each of its spans: its service and its indexed attributes. */
    private long[] resourceTermKeys(Attributes r, DictionaryBuilder dict) {
        List<Long> keys = new ArrayList<>();
        String service = r.get(Span.SERVICE_NAME);
        keys.add(TermKeys.key(SpanTerm.Field.SERVICE, 0, dict.id(service == null ? "" : service)));
        for (int k = 0; k < r.size(); k++) {
            if (indexedKeys.contains(r.key(k))) {
                keys.add(TermKeys.key(SpanTerm.Field.RESOURCE_ATTRIBUTE, dict.id(r.key(k)), dict.id(r.stringValue(k))));
            }
        }
        return keys.stream().mapToLong(Long::longValue).toArray();
    }

    /** Term postings with u64 keys (row numbers in the bitmaps), in the order {@link RowLists#keys} gives. */
    private static void writePostings(RowLists lists, FileSink out) throws IOException {
        long[] keys = lists.keys();
        List<RoaringBitmap> bitmaps = new ArrayList<>(keys.length);
        for (long key : keys) {
            bitmaps.add(lists.bitmap(key));
        }
        SegmentSections.writePostings(out, bitmaps, (i, o) -> o.putLong(keys[i]));
    }

    /** {@code u32 count, count x 16-byte trace id (ascending), (count + 1) x u32 first row}. */
    private static void writeTraces(Rows rows, FileSink out) throws IOException {
        out.startSection();
        ByteSink o = out.out();
        List<Integer> firstRows = new ArrayList<>();
        String prev = null;
        for (int row = 0; row < rows.spans.length; row++) {
            if (!rows.spans[row].traceId().equals(prev)) {
                prev = rows.spans[row].traceId();
                firstRows.add(row);
            }
        }
        o.putInt(firstRows.size());
        for (int first : firstRows) {
            Ids.put(rows.spans[first].traceId(), o);
            out.maybeFlush();
        }
        for (int first : firstRows) {
            o.putInt(first);
            out.maybeFlush();
        }
        o.putInt(rows.spans.length);
    }

    /**
     * The head's spans with their commit sequences, sorted by trace id (lower-case hex sorts as the raw bytes),
     * then start, then sequence: the head's per-trace lists mean only trace ids and each trace's few spans sort.
     */
    private record Rows(Span[] spans, long[] seqs, long minSeq, long maxSeq) {
        static Rows sorted(TraceHead head) {
            String[] ids = head.traces().keySet().toArray(new String[0]);
            Ids.sortHex(ids);
            Span[] spans = new Span[(int) head.spans()];
            long[] seqs = new long[spans.length];
            int row = 0;
            Integer[] order = new Integer[0];
            for (String id : ids) {
                TraceHead.TraceSpans t = head.traces().get(id);
                int n = t.spans.size();
                if (order.length < n) {
                    order = new Integer[Math.max(n, 2 * order.length)];
                }
                if (isSorted(t)) { // the usual case; skips boxing the order
                    for (int k = 0; k < n; k++) {
                        spans[row] = t.spans.get(k);
                        seqs[row++] = t.sequences[k];
                    }
                    continue;
                }
                for (int k = 0; k < n; k++) {
                    order[k] = k;
                }
                Arrays.sort(order, 0, n, Comparator.<Integer>comparingLong(k -> t.spans.get(k).startNanos())
                        .thenComparingLong(k -> t.sequences[k]));
                for (int k = 0; k < n; k++) {
                    spans[row] = t.spans.get(order[k]);
                    seqs[row++] = t.sequences[order[k]];
                }
            }
            List<TraceHead.Commit> commits = head.commits();
            return new Rows(spans, seqs, commits.getFirst().sequence(), commits.getLast().sequence());
        }

        /** Whether the trace's spans are already in (start, sequence) order, as the stable sort would put them. */
        private static boolean isSorted(TraceHead.TraceSpans t) {
            for (int k = 1; k < t.spans.size(); k++) {
                long a = t.spans.get(k - 1).startNanos();
                long b = t.spans.get(k).startNanos();
                if (a > b || a == b && t.sequences[k - 1] > t.sequences[k]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Dictionary, resource and scope tables and tag values, collected over every span before encoding. */
    private final class Tables {
        final DictionaryBuilder dict = new DictionaryBuilder();
        final Map<Attributes, Integer> resources = new LinkedHashMap<>();
        final Map<String, Integer> scopes = new LinkedHashMap<>();
        final Map<String, Set<String>> spanTags = new LinkedHashMap<>();
        final Map<String, Set<String>> resourceTags = new LinkedHashMap<>();

        /** The previous span's resource and scope strings: the spans of one request share them. */
        private Attributes lastResource;
        private String lastScopeName;
        private String lastScopeVersion;

        void collect(Span s) {
            dict.add(s.name());
            dict.add(s.service());
            dict.add(s.traceState());
            dict.add(s.statusMessage());
            if (s.resource() != lastResource && !resources.containsKey(s.resource())) {
                resources.put(s.resource(), resources.size());
                Attributes r = s.resource();
                for (int k = 0; k < r.size(); k++) {
                    dict.add(r.key(k));
                    dict.add(r.stringValue(k));
                    if (r.text(k) != null) {
                        dict.add(r.text(k));
                    }
                    tag(resourceTags, r.key(k), r.stringValue(k));
                }
            }
            lastResource = s.resource();
            if (s.scopeName() != lastScopeName || s.scopeVersion() != lastScopeVersion) {
                String scope = PageEncoder.scopeKey(s);
                if (!scopes.containsKey(scope)) {
                    scopes.put(scope, scopes.size());
                    dict.add(s.scopeName());
                    dict.add(s.scopeVersion());
                }
                lastScopeName = s.scopeName();
                lastScopeVersion = s.scopeVersion();
            }
            Attributes a = s.attributes();
            for (int k = 0; k < a.size(); k++) {
                String key = a.key(k);
                dict.add(key);
                String v = a.stringValue(k);
                String t = a.text(k); // v itself for text types, null for numbers and bools
                if (tag(spanTags, key, v) || indexedKeys.contains(key) || t != null && t.length() <= SegmentFormat.SHORT_TEXT) {
                    dict.add(v);
                }
            }
            for (SpanEvent e : s.events()) {
                dict.add(e.name());
                collect(e.attributes());
            }
            for (SpanLink l : s.links()) {
                dict.add(l.traceState());
                collect(l.attributes());
            }
        }

        /** Keys always, short texts too; longer texts stay inline in pages unless listed or indexed. */
        private void collect(Attributes a) {
            for (int k = 0; k < a.size(); k++) {
                dict.add(a.key(k));
                String t = a.text(k);
                if (t != null && t.length() <= SegmentFormat.SHORT_TEXT) {
                    dict.add(t);
                }
            }
        }

        /** Adds a tag value while its key has fewer than the cap; true when the value is listed. */
        private boolean tag(Map<String, Set<String>> tags, String key, String value) {
            Set<String> values = tags.computeIfAbsent(key, k -> new LinkedHashSet<>());
            if (values.size() < SegmentFormat.MAX_TAG_VALUES || values.contains(value)) {
                values.add(value);
                return true;
            }
            return false;
        }
    }
}
