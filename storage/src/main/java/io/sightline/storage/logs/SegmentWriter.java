package io.sightline.storage.logs;

import com.github.luben.zstd.Zstd;
import io.sightline.storage.index.LabelsCodec;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.FileSink;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.segment.SegmentDirs;
import io.sightline.storage.segment.SegmentSections;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one immutable segment from a head snapshot: streams in label order, each stream's rows in pages
 * of {@link SegmentFormat#PAGE_BODY_BYTES}, zstd-compressed; then the stream table, the page index and the
 * trigram postings. Written under a temporary name, fsynced, then renamed, so a crash leaves either nothing
 * or a whole segment. Not thread-safe.
 */
final class SegmentWriter {
    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final PageCodec codec = new PageCodec();
    private final Trigrams trigrams = new Trigrams();
    private final PagePostings postings = new PagePostings();

    SegmentWriter(TaggedAllocator allocator) {
        this.allocator = allocator;
        this.files = allocator.files();
    }

    /**
     * Writes {@code streams} as segment {@code walNumber} under {@code dir}; returns the segment directory.
     *
     * @param walNumber the WAL file number at which records not in this segment start
     */
    Path write(Path dir, int walNumber, Map<Labels, List<LogRecord>> streams) throws IOException {
        return write(dir, SegmentFormat.dirName(walNumber), streams);
    }

    /** Writes {@code streams} as the segment directory {@code dir/name} (through {@code name.tmp}). */
    Path write(Path dir, String name, Map<Labels, List<LogRecord>> streams) throws IOException {
        Path tmp = SegmentDirs.createTmp(files, dir, name);
        TreeMap<Labels, List<LogRecord>> sorted = new TreeMap<>(streams);
        postings.clear();
        ByteSink raw = new ByteSink(allocator, MemoryTag.CHUNK, 1 << 17);
        ByteSink meta = new ByteSink(allocator, MemoryTag.CHUNK, 1 << 12);
        try (FileSink out = new FileSink(tmp.resolve(SegmentFormat.FILE), allocator, MemoryTag.CHUNK)) {
            FileHeader.write(out.out(), SegmentFormat.MAGIC, SegmentFormat.VERSION);
            List<long[]> pages = new ArrayList<>();
            byte[][] bodies = new byte[PageCodec.MAX_ROWS][];
            int streamIdx = 0;
            for (List<LogRecord> rows : sorted.values()) {
                int from = 0;
                while (from < rows.size()) {
                    int to = from;
                    long bodyBytes = 0;
                    trigrams.clear();
                    while (to < rows.size() && to - from < PageCodec.MAX_ROWS && bodyBytes < SegmentFormat.PAGE_BODY_BYTES) {
                        byte[] body = rows.get(to).body().getBytes(StandardCharsets.UTF_8);
                        bodies[to - from] = body;
                        trigrams.add(body);
                        bodyBytes += body.length;
                        to++;
                    }
                    int page = pages.size();
                    int[] keys = trigrams.keys();
                    for (int i = 0; i < trigrams.count(); i++) {
                        postings.add(keys[i], page);
                    }
                    codec.encode(rows, from, to, bodies, raw);
                    long offset = out.position();
                    int plainLength = raw.position();
                    int packedLength = compress(raw.buffer(), plainLength, out.out());
                    out.maybeFlush();
                    pages.add(new long[] {streamIdx, to - from, rows.get(from).timestampNanos(), rows.get(to - 1).timestampNanos(),
                            offset, packedLength, plainLength, bodyBytes});
                    from = to;
                }
                streamIdx++;
            }
            long metaOffset = out.position();
            meta.putUvarint(sorted.size());
            for (Labels l : sorted.keySet()) {
                LabelsCodec.write(l, meta);
            }
            meta.putUvarint(pages.size());
            for (long[] p : pages) {
                meta.putUvarint(p[0]);
                meta.putUvarint(p[1]);
                meta.putVarint(p[2]);
                meta.putVarint(p[3]);
                meta.putUvarint(p[4]);
                meta.putUvarint(p[5]);
                meta.putUvarint(p[6]);
                meta.putUvarint(p[7]);
            }
            SegmentSections.copy(out, meta);
            int metaCrc = out.sectionCrc();
            long postingsOffset = out.position();
            writePostings(postings.toBitmaps(), out);
            int postingsCrc = out.sectionCrc();
            ByteSink o = out.out();
            o.putLong(metaOffset);
            o.putLong(postingsOffset);
            o.putInt(metaCrc);
            o.putInt(postingsCrc);
            SegmentSections.endFooter(o, SegmentFormat.MAGIC);
            out.finish();
        } finally {
            postings.clear();
            raw.release();
            meta.release();
        }
        return SegmentDirs.publish(files, dir, tmp, name);
    }

    /**
     * Compresses the first {@code length} bytes of the direct buffer {@code plain} straight into {@code out}'s
     * direct buffer; returns the compressed size. Through heap arrays this was three copies of every page (a
     * tenth of the ingest's allocation, JFR on the 1 GB corpus).
     */
    private static int compress(ByteBuffer plain, int length, ByteSink out) {
        int bound = (int) Zstd.compressBound(length);
        out.ensure(bound);
        ByteBuffer dst = out.buffer();
        long n = Zstd.compressDirectByteBuffer(dst, dst.position(), bound, plain, 0, length, SegmentFormat.ZSTD_LEVEL);
        if (Zstd.isError(n)) {
            throw new io.sightline.storage.StorageException("zstd failed to compress a log page of " + length + " bytes: "
                    + Zstd.getErrorName(n));
        }
        dst.position(dst.position() + (int) n);
        return (int) n;
    }

    /** Trigram postings with u32 keys (page numbers in the bitmaps), in key order. */
    private static void writePostings(Map<Integer, RoaringBitmap> postings, FileSink out) throws IOException {
        int[] keys = new int[postings.size()];
        List<RoaringBitmap> bitmaps = new ArrayList<>(postings.size());
        for (Map.Entry<Integer, RoaringBitmap> e : postings.entrySet()) {
            e.getValue().runOptimize();
            keys[bitmaps.size()] = e.getKey();
            bitmaps.add(e.getValue());
        }
        SegmentSections.writePostings(out, bitmaps, (i, o) -> o.putInt(keys[i]));
    }
}
