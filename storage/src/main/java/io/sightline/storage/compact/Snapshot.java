package io.sightline.storage.compact;

import io.sightline.storage.StorageException;
import io.sightline.storage.block.BlockMeta;
import io.sightline.storage.block.BlockReader;
import io.sightline.storage.block.BlockSeries;
import io.sightline.storage.block.BlockSet;
import io.sightline.storage.block.BlockWriter;
import io.sightline.storage.head.Head;
import io.sightline.storage.io.FileFacade;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a snapshot of the store into a new directory laid out as a data directory: every block as hard
 * links (blocks are immutable, so this costs no space), the head written as blocks, one per block window
 * (the head itself is left as it is: no cut, no WAL truncation, appends go on), and a copy of the series
 * labels file (the registry map is rebuilt from it when the snapshot is opened as a data directory).
 * Prometheus's {@code /api/v1/admin/tsdb/snapshot} does the same for its blocks and head.
 *
 * <p>Run under the compactor's lock, so no block is added or deleted meanwhile. Each head series is copied
 * at its own instant; samples committed while the snapshot runs may or may not be in it.
 */
final class Snapshot {
    private static final String METRICS_DIR = "metrics";
    private static final String INDEX_DIR = "index";

    private Snapshot() {
    }

    /** Returns the number of blocks in the snapshot. */
    static int write(Path target, Head head, BlockSet blocks, Path labelsFile, long blockDurationMillis) {
        FileFacade files = blocks.allocator().files();
        Path metrics = target.resolve(METRICS_DIR);
        int count = 0;
        try {
            if (files.exists(target)) {
                throw new StorageException("snapshot directory " + target + " exists already");
            }
            files.createDirectories(metrics);
            for (BlockReader b : blocks.all()) {
                Path to = metrics.resolve(b.dir().getFileName());
                files.createDirectories(to);
                for (Path f : files.list(b.dir())) {
                    files.createLink(to.resolve(f.getFileName()), f);
                }
                count++;
            }
            count += writeHead(metrics, head, blocks, blockDurationMillis);
            // After the head's blocks: every series id they hold was registered before its samples came.
            Path index = target.resolve(INDEX_DIR);
            files.createDirectories(index);
            files.copy(labelsFile, index.resolve(labelsFile.getFileName()));
            files.syncDirectory(index);
            files.syncDirectory(metrics);
            files.syncDirectory(target);
            return count;
        } catch (IOException e) {
            throw new StorageException("cannot write snapshot " + target + ": " + e.getMessage(), e);
        }
    }

    private static int writeHead(Path metrics, Head head, BlockSet blocks, long blockDurationMillis) {
        long min = head.minTime();
        long max = head.maxTime();
        if (min == Long.MAX_VALUE || max == Long.MIN_VALUE) {
            return 0;
        }
        int count = 0;
        for (long mint = Math.floorDiv(min, blockDurationMillis) * blockDurationMillis; mint <= max;
             mint += blockDurationMillis) {
            long maxt = mint + blockDurationMillis;
            List<BlockSeries> series = head.copySeries(mint, maxt);
            if (series.isEmpty()) {
                continue;
            }
            // Window-aligned like a block cut from the head, so the snapshot opens as a data directory.
            BlockMeta meta = BlockWriter.write(metrics, blocks.allocator(), mint, maxt, 1, List.of(), series,
                    System.currentTimeMillis());
            assert meta.samples() > 0;
            count++;
        }
        return count;
    }
}
