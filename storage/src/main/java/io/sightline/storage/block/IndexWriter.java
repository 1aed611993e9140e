package io.sightline.storage.block;

import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.FileSink;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.roaringbitmap.buffer.MutableRoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a block's index file (layout in storage/docs/format/index.md): symbols, series entries, the
 * series table, postings bitmaps, the postings table and a table of contents with a CRC32C per section.
 */
final class IndexWriter {
    private IndexWriter() {
    }

    /**
     * @param blockMinTime the block's minTime, which chunk times are stored relative to
     * @param series       sorted by id
     * @param firstRefs    offset in the chunks file of each series' first chunk, parallel to {@code series}
     * @param lengths      length of every chunk as written to the chunks file, series after series
     */
    static void write(Path file, TaggedAllocator allocator, long blockMinTime, List<BlockSeries> series, long[] firstRefs,
                      int[] lengths) throws IOException {
        TreeSet<String> symbolSet = new TreeSet<>();
        TreeMap<String, TreeMap<String, MutableRoaringBitmap>> postings = new TreeMap<>();
        MutableRoaringBitmap all = new MutableRoaringBitmap();
        for (BlockSeries s : series) {
            Labels l = s.labels();
            for (int i = 0; i < l.size(); i++) {
                symbolSet.add(l.name(i));
                symbolSet.add(l.value(i));
                postings.computeIfAbsent(l.name(i), n -> new TreeMap<>())
                        .computeIfAbsent(l.value(i), v -> new MutableRoaringBitmap()).add(s.id());
            }
            all.add(s.id());
        }
        String[] symbols = symbolSet.toArray(new String[0]);
        Map<String, Integer> symbolIds = new HashMap<>(symbols.length * 2);
        for (int i = 0; i < symbols.length; i++) {
            symbolIds.put(symbols[i], i);
        }
        // Series entries name a label by its place among the block's few label names (the postings table's
        // order), not by its symbol: one byte where names sort among thousands of values.
        Map<String, Integer> nameIndexes = new HashMap<>();
        for (String name : postings.keySet()) {
            nameIndexes.put(name, nameIndexes.size());
        }

        try (FileSink f = new FileSink(file, allocator, MemoryTag.INDEX)) {
            ByteSink out = f.out();
            FileHeader.write(out, BlockFormat.INDEX_MAGIC, BlockFormat.VERSION);
            int[] crcs = new int[5];
            long[] offsets = new long[6];

            // symbols: u32 count, u64 offset per symbol, then the strings
            f.startSection();
            offsets[0] = f.position();
            out.putInt(symbols.length);
            long stringsAt = f.position() + 8L * symbols.length;
            byte[][] utf8 = new byte[symbols.length][];
            for (int i = 0; i < symbols.length; i++) {
                utf8[i] = symbols[i].getBytes(StandardCharsets.UTF_8);
                out.putLong(stringsAt);
                stringsAt += uvarintSize(utf8[i].length) + utf8[i].length;
                f.maybeFlush();
            }
            for (byte[] b : utf8) {
                out.putUvarint(b.length);
                out.putBytes(b);
                f.maybeFlush();
            }
            crcs[0] = f.sectionCrc();

            // series entries
            f.startSection();
            offsets[1] = f.position();
            int[] entryOffsets = new int[series.size()];
            int chunk = 0;
            for (int i = 0; i < series.size(); i++) {
                long relative = f.position() - offsets[1];
                if (relative > 0xFFFF_FFFFL) {
                    throw new IllegalStateException("series section of the block index passed 4 GiB at series " + i
                            + " of " + series.size() + "; write fewer series per block (a shorter storage.block_duration)");
                }
                entryOffsets[i] = (int) relative;
                writeSeries(out, series.get(i), blockMinTime, firstRefs[i], lengths, chunk, nameIndexes, symbolIds);
                chunk += series.get(i).chunks().size();
                f.maybeFlush();
            }
            crcs[1] = f.sectionCrc();

            // series table: u32 count, then per series (ascending id) u32 offset of its entry in the series section;
            // the i-th series is the one of rank i among the block's ids (the postings of all series).
            f.startSection();
            offsets[2] = f.position();
            out.putInt(series.size());
            for (int i = 0; i < series.size(); i++) {
                out.putInt(entryOffsets[i]);
                f.maybeFlush();
            }
            crcs[2] = f.sectionCrc();

            // postings bitmaps, then the one of all series
            f.startSection();
            offsets[3] = f.position();
            int pairs = 0;
            for (TreeMap<String, MutableRoaringBitmap> values : postings.values()) {
                pairs += values.size();
            }
            long[] postingOffsets = new long[pairs];
            int[] postingLengths = new int[pairs];
            int p = 0;
            for (TreeMap<String, MutableRoaringBitmap> values : postings.values()) {
                for (MutableRoaringBitmap b : values.values()) {
                    postingOffsets[p] = f.position();
                    postingLengths[p] = writeBitmap(out, b);
                    p++;
                    f.maybeFlush();
                }
            }
            offsets[5] = f.position();
            int allLength = writeBitmap(out, all);
            crcs[3] = f.sectionCrc();

            // postings table: u32 count, then (u32 name, u32 value, u64 offset, u32 length) sorted by name, value
            f.startSection();
            offsets[4] = f.position();
            out.putInt(pairs);
            p = 0;
            for (Map.Entry<String, TreeMap<String, MutableRoaringBitmap>> name : postings.entrySet()) {
                int nameId = symbolIds.get(name.getKey());
                for (String value : name.getValue().keySet()) {
                    out.putInt(nameId);
                    out.putInt(symbolIds.get(value));
                    out.putLong(postingOffsets[p]);
                    out.putInt(postingLengths[p]);
                    p++;
                    f.maybeFlush();
                }
            }
            crcs[4] = f.sectionCrc();

            // table of contents
            f.startSection();
            for (long o : offsets) {
                out.putLong(o);
            }
            out.putInt(allLength);
            for (int c : crcs) {
                out.putInt(c);
            }
            out.putInt(f.sectionCrc());
            f.finish();
        }
    }

    private static void writeSeries(ByteSink out, BlockSeries s, long blockMinTime, long firstRef, int[] lengths, int chunk,
                                    Map<String, Integer> nameIndexes, Map<String, Integer> symbolIds) {
        Labels l = s.labels();
        out.putUvarint(l.size());
        for (int i = 0; i < l.size(); i++) {
            out.putUvarint(nameIndexes.get(l.name(i)));
            out.putUvarint(symbolIds.get(l.value(i)));
        }
        out.putUvarint(s.chunks().size());
        out.putUvarint(firstRef);
        long prevMax = blockMinTime;
        for (ChunkSlice c : s.chunks()) {
            out.putVarint(c.minTime() - prevMax);
            out.putUvarint(c.maxTime() - c.minTime());
            out.putUvarint(lengths[chunk++]);
            prevMax = c.maxTime();
        }
    }

    private static int writeBitmap(ByteSink out, MutableRoaringBitmap b) {
        b.runOptimize();
        int size = b.serializedSizeInBytes();
        out.ensure(size);
        ByteBuffer buf = out.buffer();
        int before = buf.position();
        b.serialize(buf);
        if (buf.position() - before != size) {
            throw new IllegalStateException("BUG: bitmap serialised to " + (buf.position() - before) + " bytes, expected " + size);
        }
        return size;
    }

    private static int uvarintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
