package io.sightline.storage.traces;

import io.sightline.storage.TraceQuerier;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.segment.SegmentFile;
import io.sightline.storage.segment.StoredSegment;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One immutable mapped span segment. The meta section (tables, page index, tag table) is read onto the heap at
 * open; the dictionary, pages, postings and trace table stay in the mapping. Reference-counted: retention
 * unmaps it only when no querier holds it. Thread-safe for reads.
 */
final class Segment implements StoredSegment {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int POSTING_ENTRY = 16;

    private final SegmentFile segmentFile;
    /** {@code segmentFile}'s mapping, read by every page, postings and trace table access. */
    private final MappedFile file;
    private final SegmentTables tables;
    private final long spans;
    private final long minSeq;
    private final long maxSeq;
    /** Per page: first row ({@code pages + 1} entries), start range, location. */
    private final int[] pageRow;
    private final long[] pageMin;
    private final long[] pageMax;
    private final long[] pageOffset;
    private final int[] packedLength;
    private final int[] rawLength;
    private final long minTime;
    private final long maxTime;
    /** Per scope ordinal: attribute key to its listed value ids. */
    private final Map<String, int[]>[] tags;
    /** Attribute keys with postings in this segment (as configured when it was written). */
    private final Set<String> indexedKeys;
    private final long postingsAt;
    private final int postingsCount;
    private final long tracesAt;
    private final int traceCount;

    private Segment(SegmentFile segmentFile, SegmentTables tables, ByteBuffer meta, long postingsAt, long tracesAt) {
        this.segmentFile = segmentFile;
        this.file = segmentFile.mapped();
        this.tables = tables;
        this.spans = ByteReader.uvarint(meta);
        this.minSeq = ByteReader.uvarint(meta);
        this.maxSeq = ByteReader.uvarint(meta);
        skipTables(meta);
        int pages = ByteReader.count(meta, meta.remaining());
        pageRow = new int[pages + 1];
        pageMin = new long[pages];
        pageMax = new long[pages];
        pageOffset = new long[pages];
        packedLength = new int[pages];
        rawLength = new int[pages];
        for (int p = 0; p < pages; p++) {
            pageRow[p + 1] = pageRow[p] + ByteReader.count(meta, SegmentFormat.PAGE_ROWS);
            pageMin[p] = ByteReader.varint(meta);
            pageMax[p] = ByteReader.varint(meta);
            pageOffset[p] = ByteReader.uvarint(meta);
            packedLength[p] = ByteReader.count(meta, Integer.MAX_VALUE);
            rawLength[p] = ByteReader.count(meta, Integer.MAX_VALUE);
            if (pageOffset[p] < FileHeader.BYTES || pageOffset[p] + packedLength[p] > file.size()) {
                throw new CorruptDataException("page " + p + " lies outside the file", pageOffset[p]);
            }
        }
        if (pageRow[pages] != spans) {
            throw new CorruptDataException("pages hold " + pageRow[pages] + " rows, the segment " + spans, 0);
        }
        this.minTime = Arrays.stream(pageMin).min().orElse(Long.MAX_VALUE);
        this.maxTime = Arrays.stream(pageMax).max().orElse(Long.MIN_VALUE);
        @SuppressWarnings("unchecked")
        Map<String, int[]>[] t = new Map[2];
        for (int scope = 0; scope < 2; scope++) {
            int keys = ByteReader.count(meta, meta.remaining());
            t[scope] = new HashMap<>();
            for (int k = 0; k < keys; k++) {
                String key = tables.dict().get(ByteReader.count(meta, Integer.MAX_VALUE));
                int[] values = new int[ByteReader.count(meta, meta.remaining())];
                int prev = 0;
                for (int v = 0; v < values.length; v++) {
                    prev += ByteReader.count(meta, Integer.MAX_VALUE);
                    values[v] = prev;
                }
                t[scope].put(key, values);
            }
        }
        this.tags = t;
        int indexedCount = ByteReader.count(meta, meta.remaining());
        indexedKeys = new HashSet<>();
        for (int i = 0; i < indexedCount; i++) {
            indexedKeys.add(tables.dict().get(ByteReader.count(meta, Integer.MAX_VALUE)));
        }
        this.postingsAt = postingsAt;
        this.postingsCount = file.segment().get(INT_LE, postingsAt);
        this.tracesAt = tracesAt;
        this.traceCount = file.segment().get(INT_LE, tracesAt);
        if (postingsCount < 0 || traceCount < 0) {
            throw new CorruptDataException("negative postings or trace count", postingsAt);
        }
    }

    /** Maps and checks segment {@code dir}; a damaged segment fails with a message naming the file. */
    static Segment open(Path dir, TaggedAllocator allocator) {
        return SegmentFile.open(dir, allocator, SegmentFormat.FORMAT, Segment::read);
    }

    /** Reads the section bounds and checks their CRCs, then the tables, of a file whose header and footer magic are checked. */
    private static Segment read(SegmentFile segmentFile, ByteBuffer footer) {
        MappedFile file = segmentFile.mapped();
        long size = file.size();
        long[] at = new long[5];
        for (int i = 0; i < 5; i++) {
            at[i] = footer.getLong();
        }
        int[] crc = new int[4];
        for (int i = 0; i < 4; i++) {
            crc[i] = footer.getInt();
        }
        if (at[0] < FileHeader.BYTES || at[4] != size - SegmentFormat.FOOTER_BYTES) {
            throw SegmentFile.badFooter(size, SegmentFormat.FORMAT);
        }
        String[] names = {"dictionary", "meta", "postings", "trace table"};
        for (int i = 0; i < 4; i++) {
            if (at[i + 1] < at[i] || at[i + 1] - at[i] > Integer.MAX_VALUE) {
                throw new CorruptDataException("bad " + names[i] + " section bounds", at[i]);
            }
            SegmentFile.checkCrc(file.slice(at[i], (int) (at[i + 1] - at[i])), crc[i], names[i], at[i]);
        }
        Dictionary dict = new Dictionary(file, at[0], at[1] - at[0]);
        ByteBuffer meta = file.slice(at[1], (int) (at[2] - at[1]));
        SegmentTables tables = readTables(meta.duplicate().order(ByteOrder.LITTLE_ENDIAN), dict);
        return new Segment(segmentFile, tables, meta, at[2], at[3]);
    }

    private static SegmentTables readTables(ByteBuffer meta, Dictionary dict) {
        ByteReader.uvarint(meta);
        ByteReader.uvarint(meta);
        ByteReader.uvarint(meta);
        Attributes.Type[] types = Attributes.Type.values();
        Attributes[] resources = new Attributes[ByteReader.count(meta, meta.remaining())];
        for (int r = 0; r < resources.length; r++) {
            int n = ByteReader.count(meta, meta.remaining());
            Attributes.Builder b = Attributes.builder();
            for (int k = 0; k < n; k++) {
                long keyType = ByteReader.uvarint(meta);
                int type = (int) (keyType & 7);
                if (type >= types.length) {
                    throw new CorruptDataException("bad resource attribute type " + type, meta.position());
                }
                String key = dict.get((int) (keyType >>> 3));
                switch (types[type]) {
                    case INT -> b.putLong(key, ByteReader.varint(meta));
                    case BOOL -> b.putBool(key, ByteReader.varint(meta) != 0);
                    case DOUBLE -> b.putDouble(key, Double.longBitsToDouble(ByteReader.int64(meta)));
                    default -> b.putText(key, types[type], dict.get(ByteReader.count(meta, Integer.MAX_VALUE)));
                }
            }
            resources[r] = b.build();
        }
        String[][] scopes = new String[ByteReader.count(meta, meta.remaining())][];
        for (int s = 0; s < scopes.length; s++) {
            scopes[s] = new String[] {dict.get(ByteReader.count(meta, Integer.MAX_VALUE)),
                    dict.get(ByteReader.count(meta, Integer.MAX_VALUE))};
        }
        return new SegmentTables(dict, resources, scopes);
    }

    /** Moves {@code meta} past the resource and scope tables that {@link #readTables} read. */
    private void skipTables(ByteBuffer meta) {
        int resources = ByteReader.count(meta, meta.remaining());
        for (int r = 0; r < resources; r++) {
            int n = ByteReader.count(meta, meta.remaining());
            for (int k = 0; k < n; k++) {
                int type = (int) (ByteReader.uvarint(meta) & 7);
                if (type == Attributes.Type.DOUBLE.ordinal()) {
                    ByteReader.int64(meta);
                } else {
                    ByteReader.uvarint(meta);
                }
            }
        }
        int scopes = ByteReader.count(meta, meta.remaining());
        for (int s = 0; s < scopes * 2; s++) {
            ByteReader.uvarint(meta);
        }
    }

    @Override
    public SegmentFile segmentFile() {
        return segmentFile;
    }

    @Override
    public long minTime() {
        return minTime;
    }

    @Override
    public long maxTime() {
        return maxTime;
    }

    long maxSeq() {
        return maxSeq;
    }

    long spans() {
        return spans;
    }

    int pages() {
        return pageMin.length;
    }

    int pageFirstRow(int page) {
        return pageRow[page];
    }

    boolean pageOverlaps(int page, long min, long max) {
        return pageMin[page] <= max && pageMax[page] >= min;
    }

    /** The page holding {@code row}. */
    int pageOf(int row) {
        int p = Arrays.binarySearch(pageRow, row);
        return p >= 0 ? p : -p - 2;
    }

    SegmentTables tables() {
        return tables;
    }

    // ---- trace table

    int traceCount() {
        return traceCount;
    }

    /** Trace {@code i}'s id, raw. */
    void traceId(int i, byte[] out) {
        MemorySegment.copy(file.segment(), ValueLayout.JAVA_BYTE, tracesAt + 4 + (long) i * Ids.TRACE_BYTES, out, 0, Ids.TRACE_BYTES);
    }

    /** First row of trace {@code i}; {@code traceFirstRow(traceCount())} is the row count. */
    int traceFirstRow(int i) {
        return file.segment().get(INT_LE, tracesAt + 4 + (long) traceCount * Ids.TRACE_BYTES + 4L * i);
    }

    /** The trace holding {@code row} (the last trace whose first row is not after it). */
    int traceOfRow(int row) {
        int lo = 0;
        int hi = traceCount - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (traceFirstRow(mid) <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Index of trace {@code id} (16 raw bytes) in the trace table, or -1. */
    int findTrace(byte[] id) {
        MemorySegment key = MemorySegment.ofArray(id);
        int lo = 0;
        int hi = traceCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long at = tracesAt + 4 + (long) mid * Ids.TRACE_BYTES;
            long m = MemorySegment.mismatch(file.segment(), at, at + Ids.TRACE_BYTES, key, 0, Ids.TRACE_BYTES);
            if (m < 0) {
                return mid;
            }
            int c = Integer.compare(file.segment().get(ValueLayout.JAVA_BYTE, at + m) & 0xFF, id[(int) m] & 0xFF);
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    // ---- postings

    /** The rows holding term {@code key}, or an empty bitmap. */
    RoaringBitmap postings(long key) {
        int i = lowerBound(key);
        if (i < postingsCount && postingKey(i) == key) {
            return postingsAt(i);
        }
        return new RoaringBitmap();
    }

    private RoaringBitmap postingsAt(int i) {
        long entry = postingsAt + 4 + (long) i * POSTING_ENTRY;
        int offset = file.segment().get(INT_LE, entry + 8);
        int length = file.segment().get(INT_LE, entry + 12);
        long at = postingsAt + 4 + (long) postingsCount * POSTING_ENTRY + offset;
        return new ImmutableRoaringBitmap(file.slice(at, length)).toRoaringBitmap();
    }

    long postingKey(int i) {
        return file.segment().get(LONG_LE, postingsAt + 4 + (long) i * POSTING_ENTRY);
    }

    int postingsCount() {
        return postingsCount;
    }

    /** The first postings entry whose key is not below {@code key}. */
    int lowerBound(long key) {
        int lo = 0;
        int hi = postingsCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(postingKey(mid), key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The listed values of attribute {@code key} of {@code scope}, as dictionary ids; empty when none. */
    int[] tagValues(TraceQuerier.Scope scope, String key) {
        return tags[scope.ordinal()].getOrDefault(key, new int[0]);
    }

    boolean isIndexed(String attributeKey) {
        return indexedKeys.contains(attributeKey);
    }

    Iterable<String> tagKeys(TraceQuerier.Scope scope) {
        return tags[scope.ordinal()].keySet();
    }

    // ---- pages

    /**
     * Per thread, the direct buffer pages are decompressed into (zstd-jni needs direct memory; decoded pages copy
     * out of it), so a trace lookup does not allocate and zero a fresh one.
     */
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

    private static ByteBuffer scratch(int size) {
        ByteBuffer[] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].capacity() < size) {
            holder[0] = ByteBuffer.allocateDirect(Math.max(size, 1 << 16));
        }
        return holder[0].clear().limit(size);
    }

    /** Decompresses and decodes page {@code page}. */
    DecodedPage page(int page) {
        ByteBuffer plain = scratch(rawLength[page]);
        segmentFile.decompressPage(page, pageOffset[page], packedLength[page], plain);
        byte[] heap = new byte[plain.remaining()];
        plain.get(heap);
        try {
            return new DecodedPage(ByteBuffer.wrap(heap), tables, minSeq);
        } catch (CorruptDataException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw segmentFile.damagedPage(page, e);
        }
    }

    /** Trace {@code trace}'s id as hex. */
    String traceHex(int trace) {
        byte[] id = new byte[Ids.TRACE_BYTES];
        traceId(trace, id);
        return Ids.hex(id, 0, Ids.TRACE_BYTES);
    }
}
