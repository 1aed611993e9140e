package io.sightline.storage.compact;

import io.sightline.storage.block.BlockMeta;
import io.sightline.storage.block.BlockReader;
import io.sightline.storage.block.BlockSeries;
import io.sightline.storage.block.BlockSet;
import io.sightline.storage.block.BlockWriter;
import io.sightline.storage.block.ChunkSlice;
import io.sightline.storage.model.Labels;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.buffer.MutableRoaringBitmap;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans and runs the merge of adjacent blocks into longer spans, as Prometheus does: ranges grow by 3x
 * (2 h, 6 h, 18 h, 54 h for the default block) up to a tenth of the retention, and a range is compacted
 * once it is complete (the head no longer takes samples in it) and holds at least two blocks. Chunks are
 * copied as they are (already in the smallest codec); only the index is rebuilt.
 */
final class BlockCompaction {
    private static final int MAX_LEVELS = 4;

    private BlockCompaction() {
    }

    /** The blocks of the first range due for compaction, oldest first, or an empty list. */
    static List<BlockReader> plan(List<BlockReader> blocks, long blockDuration, long retention, long headMinValidTime) {
        long range = blockDuration;
        for (int level = 1; level < MAX_LEVELS; level++) {
            range *= 3;
            if (range > retention / 10) {
                break;
            }
            List<BlockReader> group = new ArrayList<>();
            long groupStart = Long.MIN_VALUE;
            for (BlockReader b : blocks) {
                long start = Math.floorDiv(b.meta().minTime(), range) * range;
                if (b.meta().maxTime() > start + range) {
                    continue; // already spans more than this range
                }
                if (start != groupStart) {
                    if (isDue(group, groupStart + range, headMinValidTime)) {
                        return group;
                    }
                    group = new ArrayList<>();
                    groupStart = start;
                }
                group.add(b);
            }
            if (isDue(group, groupStart + range, headMinValidTime)) {
                return group;
            }
        }
        return List.of();
    }

    private static boolean isDue(List<BlockReader> group, long rangeEnd, long headMinValidTime) {
        return group.size() >= 2 && rangeEnd <= headMinValidTime;
    }

    /** Writes the merge of {@code sources} (held by the caller) and swaps it in for them. */
    static BlockMeta run(BlockSet blocks, List<BlockReader> sources) {
        MutableRoaringBitmap ids = new MutableRoaringBitmap();
        for (BlockReader b : sources) {
            ids.or(b.index().allPostings());
        }
        List<BlockSeries> series = new ArrayList<>(ids.getCardinality());
        PeekableIntIterator it = ids.getIntIterator();
        while (it.hasNext()) {
            int id = it.next();
            Labels labels = null;
            List<ChunkSlice> chunks = new ArrayList<>();
            for (BlockReader b : sources) {
                List<ChunkSlice> part = b.chunkSlices(id);
                if (!part.isEmpty()) {
                    labels = labels == null ? b.labels(id) : labels;
                    chunks.addAll(part);
                }
            }
            series.add(new BlockSeries(id, labels, chunks));
        }
        int level = 0;
        List<String> origins = new ArrayList<>();
        for (BlockReader b : sources) {
            level = Math.max(level, b.meta().level());
            origins.addAll(b.meta().sources());
        }
        BlockMeta meta = BlockWriter.write(blocks.dir(), blocks.allocator(), sources.getFirst().meta().minTime(),
                sources.getLast().meta().maxTime(), level + 1, origins, series, System.currentTimeMillis());
        BlockReader merged = BlockReader.open(blocks.dir().resolve(meta.ulid()), blocks.allocator());
        blocks.replace(sources, List.of(merged));
        return meta;
    }
}
