package io.sightline.storage.block;

import io.sightline.storage.StorageException;
import io.sightline.storage.chunk.BlockChunkHeader;
import io.sightline.storage.chunk.ChunkFormat;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.FileSink;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes one immutable block: chunks file, index file and meta, into {@code <ulid>.tmp}, fsynced, then
 * renamed to {@code <ulid>} in one atomic step, so a crash leaves either no block or a whole one.
 */
public final class BlockWriter {
    private BlockWriter() {
    }

    /**
     * Writes the series (sorted by id, each with at least one chunk) as a block covering
     * {@code [minTime, maxTime)}.
     *
     * @return the meta of the new block, whose directory is {@code blocksDir/<meta.ulid()>}
     * @throws StorageException when a file cannot be written; the temporary directory is removed
     */
    public static BlockMeta write(Path blocksDir, TaggedAllocator allocator, long minTime, long maxTime, int level,
                                  List<String> sources, List<BlockSeries> series, long nowMillis) {
        FileFacade files = allocator.files();
        String ulid = Ulid.next(nowMillis);
        Path tmp = blocksDir.resolve(ulid + BlockFormat.TMP_SUFFIX);
        try {
            files.createDirectories(tmp);
            long[] firstRefs = new long[series.size()];
            int chunkCount = 0;
            for (BlockSeries s : series) {
                chunkCount += s.chunks().size();
            }
            int[] lengths = new int[chunkCount];
            long[] counts = writeChunks(tmp.resolve(BlockFormat.CHUNKS), allocator, series, firstRefs, lengths);
            IndexWriter.write(tmp.resolve(BlockFormat.INDEX), allocator, minTime, series, firstRefs, lengths);
            BlockMeta meta = new BlockMeta(ulid, minTime, maxTime, series.size(), counts[1], counts[0], level,
                    sources.isEmpty() ? List.of(ulid) : sources);
            writeMeta(tmp.resolve(BlockFormat.META), files, meta);
            files.syncDirectory(tmp);
            files.moveAtomically(tmp, blocksDir.resolve(ulid));
            files.syncDirectory(blocksDir);
            return meta;
        } catch (IOException | RuntimeException e) {
            try {
                files.deleteRecursively(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StorageException("cannot write block " + tmp + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes each chunk with the header of a block chunk ({@link BlockChunkHeader}) and fills in the offset
     * of each series' first chunk and the length of every chunk as written. Returns {chunks, samples};
     * samples are counted from the chunk headers.
     */
    private static long[] writeChunks(Path file, TaggedAllocator allocator, List<BlockSeries> series, long[] firstRefs,
                                      int[] lengths) throws IOException {
        CRC32C crc = new CRC32C();
        BlockChunkHeader header = new BlockChunkHeader();
        int chunks = 0;
        long samples = 0;
        try (FileSink f = new FileSink(file, allocator, MemoryTag.CHUNK)) {
            ByteSink out = f.out();
            FileHeader.write(out, BlockFormat.CHUNKS_MAGIC, BlockFormat.VERSION);
            for (int i = 0; i < series.size(); i++) {
                firstRefs[i] = f.position();
                for (ChunkSlice c : series.get(i).chunks()) {
                    header.of(c.data(), c.offset(), c.length(), c.minTime(), c.maxTime());
                    long columnsAt = c.offset() + header.replaced();
                    int columns = c.length() - header.replaced();
                    crc.reset();
                    crc.update(header.bytes(), 0, header.length());
                    crc.update(c.data().asSlice(columnsAt, columns).asByteBuffer());
                    out.putInt((int) crc.getValue());
                    for (int b = 0; b < header.length(); b++) {
                        out.putByte(header.bytes()[b]);
                    }
                    f.write(c.data(), columnsAt, columns);
                    lengths[chunks++] = header.length() + columns;
                    samples += ChunkFormat.sampleCount(c.data(), c.offset(), c.length());
                }
            }
            f.finish();
        }
        return new long[] {chunks, samples};
    }

    private static void writeMeta(Path file, FileFacade files, BlockMeta meta) throws IOException {
        try (FileChannel ch = files.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            files.writeFully(ch, ByteBuffer.wrap(meta.toJson().getBytes(StandardCharsets.UTF_8)));
            files.force(ch);
        }
    }
}
