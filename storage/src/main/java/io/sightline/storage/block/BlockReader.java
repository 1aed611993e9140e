package io.sightline.storage.block;

import io.sightline.storage.DamagedDataException;
import io.sightline.storage.StorageException;
import io.sightline.storage.index.IndexReader;
import io.sightline.storage.index.PartReader;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.RefCount;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An open, memory-mapped block. Thread-safe for reads. Reference-counted: the store holds one reference,
 * each querier one more while it is open; a retired block (compacted away or past retention) is unmapped
 * and deleted when the last reference goes, so no reader ever touches an unmapped file.
 */
public final class BlockReader implements PartReader {
    private static final Logger log = LoggerFactory.getLogger(BlockReader.class);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String[] SECTIONS = {"symbols", "series", "series table", "postings", "postings table"};

    private final Path dir;
    private final BlockMeta meta;
    private final FileFacade files;
    private final MappedFile index;
    private final MappedFile chunks;
    private final BlockIndexReader indexReader;
    /** Version of the index and chunks files (see {@link BlockFormat#VERSION}). */
    private final int version;
    /** Every series id of the block; in version 2 a series' rank among them is its place in the series table. */
    private final ImmutableRoaringBitmap ids;
    private final long seriesSectionAt;
    private final long seriesTableAt;
    private final int seriesCount;
    private final long seriesSectionEnd;
    private final RefCount refs = new RefCount();
    private volatile boolean isDeleteOnRelease;

    private BlockReader(Path dir, BlockMeta meta, FileFacade files, MappedFile index, MappedFile chunks, int version,
                        BlockIndexReader indexReader, long seriesSectionAt, long seriesTableAt, int seriesCount,
                        long seriesSectionEnd) {
        this.dir = dir;
        this.meta = meta;
        this.files = files;
        this.index = index;
        this.chunks = chunks;
        this.version = version;
        this.indexReader = indexReader;
        this.ids = indexReader.allPostings();
        this.seriesSectionAt = seriesSectionAt;
        this.seriesTableAt = seriesTableAt;
        this.seriesCount = seriesCount;
        this.seriesSectionEnd = seriesSectionEnd;
    }

    /**
     * Opens the block in {@code dir}, checking headers and every index section's checksum.
     *
     * @throws DamagedDataException naming the file and offset of any damage, or a missing file
     * @throws StorageException when a file cannot be read for another reason (the disk, the file system)
     */
    public static BlockReader open(Path dir, TaggedAllocator allocator) {
        BlockMeta meta = readMeta(dir.resolve(BlockFormat.META), allocator.files());
        MappedFile index = null;
        MappedFile chunks = null;
        try {
            index = allocator.map(dir.resolve(BlockFormat.INDEX), MemoryTag.INDEX);
            chunks = allocator.map(dir.resolve(BlockFormat.CHUNKS), MemoryTag.CHUNK);
            checkHeader(index, BlockFormat.INDEX_MAGIC);
            checkHeader(chunks, BlockFormat.CHUNKS_MAGIC);
            int version = index.segment().get(ValueLayout.JAVA_BYTE, 4);
            int chunksVersion = chunks.segment().get(ValueLayout.JAVA_BYTE, 4);
            if (chunksVersion != version) {
                throw corrupt(chunks, 4, "chunks file version " + chunksVersion + " does not match index version " + version);
            }
            MemorySegment seg = index.segment();
            long toc = seg.byteSize() - BlockFormat.TOC_BYTES;
            if (toc < FileHeader.BYTES) {
                throw corrupt(index, toc, "file too short for its table of contents");
            }
            long[] offsets = new long[6];
            for (int i = 0; i < 6; i++) {
                offsets[i] = seg.get(LONG_LE, toc + 8L * i);
            }
            int allLength = seg.get(INT_LE, toc + 48);
            int[] crcs = new int[5];
            for (int i = 0; i < 5; i++) {
                crcs[i] = seg.get(INT_LE, toc + 52 + 4L * i);
            }
            if (crc(seg, toc, BlockFormat.TOC_BYTES - 4) != seg.get(INT_LE, toc + BlockFormat.TOC_BYTES - 4)) {
                throw corrupt(index, toc, "table of contents fails its CRC32C");
            }
            long[] bounds = {offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], toc};
            for (int i = 0; i < 5; i++) {
                if (bounds[i] < FileHeader.BYTES || bounds[i + 1] < bounds[i]) {
                    throw corrupt(index, toc, "section " + SECTIONS[i] + " has bad bounds [" + bounds[i] + ", " + bounds[i + 1] + ")");
                }
                if (crc(seg, bounds[i], bounds[i + 1] - bounds[i]) != crcs[i]) {
                    throw corrupt(index, bounds[i], "section " + SECTIONS[i] + " [" + bounds[i] + ", " + bounds[i + 1]
                            + ") fails its CRC32C");
                }
            }
            String[] symbols = readSymbols(seg, offsets[0]);
            BlockIndexReader ir = BlockIndexReader.load(index, symbols, offsets[4], offsets[5], allLength);
            int seriesCount = seg.get(INT_LE, offsets[2]);
            long tableBytes = 4 + (long) seriesCount * (version == 1 ? BlockFormat.SERIES_TABLE_ENTRY_V1 : BlockFormat.SERIES_TABLE_ENTRY);
            if (seriesCount < 0 || offsets[2] + tableBytes > offsets[3]) {
                throw corrupt(index, offsets[2], "series table of " + seriesCount + " series overruns its section");
            }
            BlockReader reader = new BlockReader(dir, meta, allocator.files(), index, chunks, version, ir, offsets[1],
                    offsets[2] + 4, seriesCount, offsets[2]);
            if (version >= 2 && seriesCount > 0) {
                // Chunks are written in series-table order, so a chunks file cut short loses the last series' last
                // chunk first: a truncation shows here, not at the first query that reaches it.
                long end = reader.lastChunkEnd();
                if (end > chunks.size()) {
                    throw corrupt(chunks, chunks.size(), "the file is " + chunks.size()
                            + " bytes but its last chunk ends at " + end + " (truncated)");
                }
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            if (index != null) {
                index.close();
            }
            if (chunks != null) {
                chunks.close();
            }
            if (e instanceof StorageException se) {
                throw se;
            }
            if (e instanceof RuntimeException || e instanceof NoSuchFileException) {
                // An out-of-bounds read or a file missing from the block: the block is damaged.
                throw new DamagedDataException("block " + dir + " is damaged: " + e, e);
            }
            throw new StorageException("cannot open block " + dir + ": " + e.getMessage(), e);
        }
    }

    private static BlockMeta readMeta(Path file, FileFacade files) {
        try (FileChannel ch = files.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
            while (b.hasRemaining() && files.read(ch, b, b.position()) > 0) {
                // keep reading
            }
            return BlockMeta.parse(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
        } catch (BlockMeta.NewerVersionException e) {
            throw new StorageException("block meta " + file + " was written by a newer Sightline: " + e.getMessage(), e);
        } catch (IllegalArgumentException | NoSuchFileException e) {
            throw new DamagedDataException("block meta " + file + " is damaged: " + e, e);
        } catch (IOException e) {
            throw new StorageException("cannot read block meta " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkHeader(MappedFile f, int magic) {
        String problem = FileHeader.problem(f.segment(), magic, BlockFormat.OLDEST_VERSION, BlockFormat.VERSION);
        if (problem != null && FileHeader.isNewer(f.segment(), magic, BlockFormat.VERSION)) {
            throw new StorageException("block file " + f.path() + " was written by a newer Sightline: " + problem);
        }
        if (problem != null) {
            throw corrupt(f, 0, problem);
        }
    }

    private static String[] readSymbols(MemorySegment seg, long at) {
        int n = seg.get(INT_LE, at);
        String[] symbols = new String[n];
        for (int i = 0; i < n; i++) {
            long off = seg.get(LONG_LE, at + 4 + 8L * i);
            ByteBuffer b = seg.asSlice(off, Math.min(seg.byteSize() - off, 10 + (1 << 20))).asByteBuffer();
            symbols[i] = ByteReader.string(b);
        }
        return symbols;
    }

    private static int crc(MemorySegment seg, long offset, long length) {
        CRC32C crc = new CRC32C();
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(length - done, 1 << 30);
            crc.update(seg.asSlice(offset + done, n).asByteBuffer());
            done += n;
        }
        return (int) crc.getValue();
    }

    static DamagedDataException corrupt(MappedFile f, long offset, String what) {
        return new DamagedDataException("corrupt block file " + f.path() + " at offset " + offset + ": " + what);
    }

    public BlockMeta meta() {
        return meta;
    }

    /** Bytes of the block's mapped index and chunk files. */
    public long bytes() {
        return index.size() + chunks.size();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public long minTime() {
        return meta.minTime();
    }

    /** Inclusive, unlike {@link BlockMeta#maxTime()}. */
    @Override
    public long maxTime() {
        return meta.maxTime() - 1;
    }

    @Override
    public IndexReader index() {
        return indexReader;
    }

    /** Offset of the series entry of {@code id}, or -1. */
    private long entryOffset(int id) {
        MemorySegment seg = index.segment();
        if (version >= 2) {
            if (!ids.contains(id)) {
                return -1;
            }
            long rank = ids.rankLong(id) - 1;
            if (rank >= seriesCount) {
                throw corrupt(index, seriesTableAt, "series " + id + " has rank " + rank + " past the series table's "
                        + seriesCount + " entries");
            }
            return seriesSectionAt + Integer.toUnsignedLong(seg.get(INT_LE, seriesTableAt + rank * BlockFormat.SERIES_TABLE_ENTRY));
        }
        int lo = 0;
        int hi = seriesCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int at = seg.get(INT_LE, seriesTableAt + (long) mid * BlockFormat.SERIES_TABLE_ENTRY_V1);
            if (at < id) {
                lo = mid + 1;
            } else if (at > id) {
                hi = mid - 1;
            } else {
                return seg.get(LONG_LE, seriesTableAt + (long) mid * BlockFormat.SERIES_TABLE_ENTRY_V1 + 4);
            }
        }
        return -1;
    }

    private ByteBuffer entry(long offset) {
        return index.slice(offset, (int) Math.min(seriesSectionEnd - offset, Integer.MAX_VALUE));
    }

    @Override
    public Labels labels(int seriesId) {
        long off = entryOffset(seriesId);
        return off < 0 ? null : readLabels(entry(off));
    }

    private Labels readLabels(ByteBuffer in) {
        int n = ByteReader.count(in, 1 << 16);
        String[] pairs = new String[2 * n];
        for (int i = 0; i < pairs.length; i++) {
            int ref = ByteReader.count(in, Integer.MAX_VALUE);
            // Version 2 names a label by its index among the block's label names, version 1 by its symbol.
            pairs[i] = version >= 2 && (i & 1) == 0 ? indexReader.labelName(ref) : indexReader.symbol(ref);
        }
        return Labels.of(pairs);
    }

    @Override
    public SeriesChunks chunks(int seriesId, long mint, long maxt, SampleBuffer scratch) {
        ChunkMetas all = chunkMetas(seriesId);
        if (all == null) {
            return null;
        }
        int n = all.refs.length;
        long[] mins = new long[n];
        long[] maxs = new long[n];
        long[] refs = new long[n];
        int[] lens = new int[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (all.maxs[i] >= mint && all.mins[i] <= maxt) {
                mins[kept] = all.mins[i];
                maxs[kept] = all.maxs[i];
                refs[kept] = all.refs[i];
                lens[kept] = all.lens[i];
                kept++;
            }
        }
        if (kept == 0) {
            return null;
        }
        BlockChunks result = new BlockChunks(this, Arrays.copyOf(mins, kept), Arrays.copyOf(maxs, kept),
                Arrays.copyOf(refs, kept), Arrays.copyOf(lens, kept));
        return result.hasSampleIn(mint, maxt, scratch) ? result : null;
    }

    /** Time ranges, offsets and lengths of every chunk of a series. */
    private record ChunkMetas(long[] mins, long[] maxs, long[] refs, int[] lens) {
    }

    /** Decodes the chunk list of a series entry; {@code null} when the block lacks the series. */
    private ChunkMetas chunkMetas(int seriesId) {
        long off = entryOffset(seriesId);
        if (off < 0) {
            return null;
        }
        ByteBuffer in = entry(off);
        skipLabels(in);
        int n = ByteReader.count(in, 1 << 24);
        long ref = ByteReader.uvarint(in);
        ChunkMetas m = new ChunkMetas(new long[n], new long[n], new long[n], new int[n]);
        long prevMax = version >= 2 ? meta.minTime() : 0;
        for (int i = 0; i < n; i++) {
            m.mins[i] = prevMax + ByteReader.varint(in);
            m.maxs[i] = m.mins[i] + ByteReader.uvarint(in);
            m.lens[i] = ByteReader.count(in, Integer.MAX_VALUE);
            m.refs[i] = ref;
            ref += BlockFormat.CHUNK_CRC_BYTES + m.lens[i];
            prevMax = m.maxs[i];
        }
        return m;
    }

    /** Moves {@code in} past a series entry's label references, to its chunk list. */
    private static void skipLabels(ByteBuffer in) {
        int labels = ByteReader.count(in, 1 << 16);
        for (int i = 0; i < 2 * labels; i++) {
            ByteReader.uvarint(in);
        }
    }

    /** Where the chunks of the series table's last entry end in the chunks file (version 2). */
    private long lastChunkEnd() {
        long off = seriesSectionAt + Integer.toUnsignedLong(index.segment().get(INT_LE,
                seriesTableAt + (long) (seriesCount - 1) * BlockFormat.SERIES_TABLE_ENTRY));
        ByteBuffer in = entry(off);
        skipLabels(in);
        int n = ByteReader.count(in, 1 << 24);
        long end = ByteReader.uvarint(in);
        for (int i = 0; i < n; i++) {
            ByteReader.varint(in);
            ByteReader.uvarint(in);
            end += BlockFormat.CHUNK_CRC_BYTES + ByteReader.count(in, Integer.MAX_VALUE);
        }
        return end;
    }

    /** Checks the chunk's CRC, then decodes it; {@code minTime} and {@code maxTime} are its range from the index. */
    void decode(long ref, int length, long minTime, long maxTime, SampleBuffer into) {
        MemorySegment seg = chunks.segment();
        checkChunk(seg, ref, length, into.crc);
        into.decode(seg, ref + BlockFormat.CHUNK_CRC_BYTES, length, minTime, maxTime);
    }

    /**
     * Every chunk of a series as slices of the mapped chunks file, each checked against its CRC; for
     * compaction, which copies them into a new block as they are. Valid while a reference is held.
     */
    public List<ChunkSlice> chunkSlices(int seriesId) {
        ChunkMetas m = chunkMetas(seriesId);
        if (m == null) {
            return List.of();
        }
        MemorySegment seg = chunks.segment();
        CRC32C crc = new CRC32C();
        List<ChunkSlice> out = new ArrayList<>(m.refs.length);
        for (int i = 0; i < m.refs.length; i++) {
            checkChunk(seg, m.refs[i], m.lens[i], crc);
            out.add(new ChunkSlice(m.mins[i], m.maxs[i], seg, m.refs[i] + BlockFormat.CHUNK_CRC_BYTES, m.lens[i]));
        }
        return out;
    }

    private void checkChunk(MemorySegment seg, long ref, int length, CRC32C crc) {
        if (ref < FileHeader.BYTES || ref + BlockFormat.CHUNK_CRC_BYTES + length > seg.byteSize()) {
            throw corrupt(chunks, ref, "chunk of " + length + " bytes runs past the end of the file");
        }
        crc.reset();
        crc.update(seg.asSlice(ref + BlockFormat.CHUNK_CRC_BYTES, length).asByteBuffer());
        if ((int) crc.getValue() != seg.get(INT_LE, ref)) {
            throw corrupt(chunks, ref, "chunk fails its CRC32C");
        }
    }

    /** Takes a reference for a reader; false when the block is already gone. */
    public boolean acquire() {
        return refs.tryAcquire();
    }

    /** Drops a reference; the last one unmaps, and deletes the directory of a retired block. */
    public void release() {
        if (refs.release()) {
            index.close();
            chunks.close();
            if (isDeleteOnRelease) {
                deleteFiles();
            }
        }
    }

    /** Drops the store's reference and deletes the block once no reader holds it. */
    public void retire() {
        isDeleteOnRelease = true;
        release();
    }

    private void deleteFiles() {
        Path doomed = dir.resolveSibling(dir.getFileName() + BlockFormat.DELETING_SUFFIX);
        try {
            // Rename first: a crash mid-delete leaves a name that open() recognises as garbage.
            files.moveAtomically(dir, doomed);
            files.deleteRecursively(doomed);
        } catch (IOException e) {
            log.warn("cannot delete retired block, the next open retries [dir={}]", dir, e);
        }
    }
}
