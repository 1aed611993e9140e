package io.sightline.storage.logs;

import io.sightline.storage.index.LabelsCodec;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.segment.SegmentFile;
import io.sightline.storage.segment.StoredSegment;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One immutable mapped segment. The stream table and page index are read onto the heap at open (small);
 * pages and postings stay in the mapping. Reference-counted: retention closes it only when no querier holds
 * it. Thread-safe for reads.
 */
final class Segment implements StoredSegment {
    private final SegmentFile segmentFile;
    /** {@code segmentFile}'s mapping, read by every page access. */
    private final MappedFile file;
    private final Labels[] streams;
    /** Per stream, its first page; pages of one stream are contiguous. {@code streams.length + 1} entries. */
    private final int[] streamPages;
    private final int[] rows;
    private final long[] minTime;
    private final long[] maxTime;
    private final long[] offset;
    private final int[] packedLength;
    private final int[] rawLength;
    /** Body bytes per page; -1 in version-1 segments, whose page index lacks them (read from the page then). */
    private final long[] bodyBytes;
    private final long postingsOffset;
    private final int postingsCount;
    private final long segMinTime;
    private final long segMaxTime;
    private final long records;

    private Segment(SegmentFile segmentFile, Labels[] streams, int[] streamPages, int[] rows,
                    long[] minTime, long[] maxTime, long[] offset, int[] packedLength, int[] rawLength,
                    long[] bodyBytes, long postingsOffset, int postingsCount) {
        this.segmentFile = segmentFile;
        this.file = segmentFile.mapped();
        this.streams = streams;
        this.streamPages = streamPages;
        this.rows = rows;
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.offset = offset;
        this.packedLength = packedLength;
        this.rawLength = rawLength;
        this.bodyBytes = bodyBytes;
        this.postingsOffset = postingsOffset;
        this.postingsCount = postingsCount;
        this.segMinTime = Arrays.stream(minTime).min().orElse(Long.MAX_VALUE);
        this.segMaxTime = Arrays.stream(maxTime).max().orElse(Long.MIN_VALUE);
        this.records = Arrays.stream(rows).asLongStream().sum();
    }

    /** Maps and checks segment {@code dir}; a damaged segment fails with a message naming the file. */
    static Segment open(Path dir, TaggedAllocator allocator) {
        return SegmentFile.open(dir, allocator, SegmentFormat.FORMAT, Segment::read);
    }

    /** Reads the stream table, page index and postings header of a file whose header and footer magic are checked. */
    private static Segment read(SegmentFile segmentFile, ByteBuffer footer) {
        MappedFile file = segmentFile.mapped();
        boolean hasBodyBytes = segmentFile.version() >= 2;
        long size = file.size();
        long metaOffset = footer.getLong();
        long postingsOffset = footer.getLong();
        int metaCrc = footer.getInt();
        int postingsCrc = footer.getInt();
        if (metaOffset < FileHeader.BYTES || postingsOffset < metaOffset || postingsOffset > size - SegmentFormat.FOOTER_BYTES) {
            throw SegmentFile.badFooter(size, SegmentFormat.FORMAT);
        }
        ByteBuffer meta = file.slice(metaOffset, (int) (postingsOffset - metaOffset));
        ByteBuffer postings = file.slice(postingsOffset, (int) (size - SegmentFormat.FOOTER_BYTES - postingsOffset));
        SegmentFile.checkCrc(meta, metaCrc, "stream table and page index", metaOffset);
        SegmentFile.checkCrc(postings, postingsCrc, "postings", postingsOffset);
        int streamCount = ByteReader.count(meta, meta.remaining());
        Labels[] streams = new Labels[streamCount];
        for (int i = 0; i < streamCount; i++) {
            streams[i] = LabelsCodec.read(meta);
        }
        int pageCount = ByteReader.count(meta, meta.remaining());
        int[] streamPages = new int[streamCount + 1];
        int[] rows = new int[pageCount];
        long[] minTime = new long[pageCount];
        long[] maxTime = new long[pageCount];
        long[] offset = new long[pageCount];
        int[] packed = new int[pageCount];
        int[] raw = new int[pageCount];
        long[] body = new long[pageCount];
        int prevStream = -1;
        for (int p = 0; p < pageCount; p++) {
            int s = ByteReader.count(meta, streamCount - 1);
            if (s < prevStream) {
                throw new CorruptDataException("page " + p + " goes back to stream " + s, metaOffset);
            }
            while (prevStream < s) {
                streamPages[++prevStream] = p;
            }
            rows[p] = ByteReader.count(meta, PageCodec.MAX_ROWS);
            minTime[p] = ByteReader.varint(meta);
            maxTime[p] = ByteReader.varint(meta);
            offset[p] = ByteReader.uvarint(meta);
            packed[p] = ByteReader.count(meta, Integer.MAX_VALUE);
            raw[p] = ByteReader.count(meta, Integer.MAX_VALUE);
            body[p] = hasBodyBytes ? ByteReader.count(meta, raw[p]) : -1;
            if (offset[p] < FileHeader.BYTES || offset[p] + packed[p] > metaOffset) {
                throw new CorruptDataException("page " + p + " lies outside the page area", metaOffset);
            }
        }
        while (prevStream < streamCount) {
            streamPages[++prevStream] = pageCount;
        }
        postings.rewind();
        int postingsCount = postings.getInt();
        if ((long) postingsCount * 12 > postings.remaining()) {
            throw new CorruptDataException("postings count " + postingsCount + " too large", postingsOffset);
        }
        return new Segment(segmentFile, streams, streamPages, rows, minTime, maxTime, offset, packed, raw,
                body, postingsOffset, postingsCount);
    }

    @Override
    public SegmentFile segmentFile() {
        return segmentFile;
    }

    @Override
    public long minTime() {
        return segMinTime;
    }

    @Override
    public long maxTime() {
        return segMaxTime;
    }

    long records() {
        return records;
    }

    /** Uncompressed bytes of all pages. */
    long rawBytes() {
        long n = 0;
        for (int r : rawLength) {
            n += r;
        }
        return n;
    }

    int streamCount() {
        return streams.length;
    }

    Labels stream(int i) {
        return streams[i];
    }

    int firstPage(int stream) {
        return streamPages[stream];
    }

    int endPage(int stream) {
        return streamPages[stream + 1];
    }

    boolean streamOverlaps(int stream, long min, long max) {
        for (int p = streamPages[stream]; p < streamPages[stream + 1]; p++) {
            if (minTime[p] <= max && maxTime[p] >= min) {
                return true;
            }
        }
        return false;
    }

    long pageMinTime(int page) {
        return minTime[page];
    }

    long pageMaxTime(int page) {
        return maxTime[page];
    }

    int pageRows(int page) {
        return rows[page];
    }

    /** Uncompressed bytes of the page: bodies plus the other columns (the page index has no body-only size). */
    int pageRawBytes(int page) {
        return rawLength[page];
    }

    /**
     * Pages that may hold every needle, or {@code null} when no needle is long enough to narrow the search.
     */
    RoaringBitmap candidatePages(List<String> needles) {
        RoaringBitmap result = null;
        for (String needle : needles) {
            for (int key : Trigrams.of(needle)) {
                RoaringBitmap pages = postings(key);
                result = result == null ? pages : RoaringBitmap.and(result, pages);
                if (result.isEmpty()) {
                    return result;
                }
            }
        }
        return result;
    }

    /** The pages whose bodies hold trigram {@code key}; binary search over the fixed-width key table. */
    private RoaringBitmap postings(int key) {
        ByteBuffer table = file.slice(postingsOffset + 4, postingsCount * 12);
        int lo = 0;
        int hi = postingsCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int k = table.getInt(mid * 12);
            if (k < key) {
                lo = mid + 1;
            } else if (k > key) {
                hi = mid - 1;
            } else {
                long at = postingsOffset + 4 + (long) postingsCount * 12 + table.getInt(mid * 12 + 4);
                ByteBuffer bytes = file.slice(at, table.getInt(mid * 12 + 8)).order(ByteOrder.LITTLE_ENDIAN);
                return new ImmutableRoaringBitmap(bytes).toRoaringBitmap();
            }
        }
        return new RoaringBitmap();
    }

    /** Body bytes (UTF-8) of the page's rows, from the page index, or from the page itself in a version-1 segment. */
    long pageBodyBytes(int page, PageScratch scratch) {
        if (bodyBytes[page] >= 0) {
            return bodyBytes[page];
        }
        int n = timesAndLengths(page, scratch);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += scratch.lengths[i];
        }
        return sum;
    }

    /**
     * Reads the timestamps and body lengths of page {@code page} into {@code scratch.times} and
     * {@code scratch.lengths}; returns the row count. Bodies and the other columns stay bytes.
     */
    int timesAndLengths(int page, PageScratch scratch) {
        ByteBuffer plain = decompress(page, scratch);
        try {
            return PageCodec.timesAndLengths(plain, scratch.times, scratch.lengths);
        } catch (CorruptDataException | java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw segmentFile.damagedPage(page, e);
        }
    }

    private ByteBuffer decompress(int page, PageScratch scratch) {
        ByteBuffer plain = scratch.take(rawLength[page]);
        segmentFile.decompressPage(page, offset[page], packedLength[page], plain);
        return plain;
    }

    /** Decompresses and decodes page {@code page}. */
    LogRecord[] page(int page, int stream) {
        return page(page, stream, new PageScratch());
    }

    /** A decompression buffer reused from page to page by one reader (decoded rows copy out of it). */
    static final class PageScratch {
        private ByteBuffer buffer = ByteBuffer.allocateDirect(0);
        private byte[] heap = new byte[0];
        final long[] times = new long[PageCodec.MAX_ROWS];
        final int[] lengths = new int[PageCodec.MAX_ROWS];

        /** {@code plain}'s bytes in a reused heap array (searching those is several times faster than the direct buffer). */
        byte[] onHeap(ByteBuffer plain) {
            if (heap.length < plain.remaining()) {
                heap = new byte[Math.max(plain.remaining(), 1 << 17)];
            }
            plain.get(plain.position(), heap, 0, plain.remaining());
            return heap;
        }

        ByteBuffer take(int size) {
            if (buffer.capacity() < size) {
                buffer = ByteBuffer.allocateDirect(Math.max(size, 1 << 17));
            }
            buffer.clear().limit(size);
            return buffer.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static final LogRecord[] NO_ROWS = new LogRecord[0];

    /** Decompresses and decodes page {@code page} through {@code scratch}. */
    LogRecord[] page(int page, int stream, PageScratch scratch) {
        return page(page, stream, scratch, PageCodec.NO_NEEDLES);
    }

    /** Decodes the rows of page {@code page} whose bodies contain every needle (UTF-8). */
    LogRecord[] page(int page, int stream, PageScratch scratch, byte[][] needles) {
        ByteBuffer plain = decompress(page, scratch);
        if (needles.length > 0) {
            // A candidate page of the trigram postings need not hold the text: look for it in the raw page before
            // parsing any column, and parse from the heap copy when it is there.
            byte[] bytes = scratch.onHeap(plain);
            int size = plain.remaining();
            // A Latin-1 view has one char per byte, so the JDK's vectorised String.indexOf finds the UTF-8 bytes
            // exactly; several times faster than a byte loop, which was the largest part of a needle search.
            String text = new String(bytes, 0, size, java.nio.charset.StandardCharsets.ISO_8859_1);
            String[] needleText = new String[needles.length];
            for (int i = 0; i < needles.length; i++) {
                needleText[i] = new String(needles[i], java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.indexOf(needleText[i]) < 0) {
                    return NO_ROWS;
                }
            }
            plain = ByteBuffer.wrap(bytes, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            try {
                return PageCodec.decode(plain, streams[stream], needles, text, needleText[0]);
            } catch (CorruptDataException e) {
                throw segmentFile.damagedPage(page, e);
            }
        }
        try {
            return PageCodec.decode(plain, streams[stream], needles);
        } catch (CorruptDataException e) {
            throw segmentFile.damagedPage(page, e);
        }
    }
}
