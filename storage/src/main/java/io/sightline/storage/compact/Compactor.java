package io.sightline.storage.compact;

import io.sightline.storage.block.BlockMeta;
import io.sightline.storage.block.BlockReader;
import io.sightline.storage.block.BlockSeries;
import io.sightline.storage.block.BlockSet;
import io.sightline.storage.block.BlockWriter;
import io.sightline.storage.head.Head;
import io.sightline.storage.head.HeadChunkFiles;
import io.sightline.storage.wal.WalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Moves data out of the head into blocks, merges adjacent blocks and applies retention. One operation at
 * a time (they share one lock); the head keeps taking appends throughout.
 */
public final class Compactor {
    /**
     * How long a cut waits for appenders that started before it (they may hold samples it would collect);
     * appenders live for one request, so only a leaked one takes this long.
     */
    static final long APPENDER_WAIT_MILLIS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    private final Head head;
    private final BlockSet blocks;
    private final WalWriter wal;
    private final long blockDurationMillis;
    private final long retentionMillis;
    private final long retentionBytes;
    private final Runs runs;
    private final Runnable beforeHeadTruncation;
    private final Object lock = new Object();

    /**
     * @param runs                 receives each block cut and merge with its result and duration, for self-metrics
     * @param beforeHeadTruncation runs after a new block is published and before the head drops its data;
     *                             it waits for readers that may not see the new block
     */
    public Compactor(Head head, BlockSet blocks, WalWriter wal, long blockDurationMillis, long retentionMillis,
                     long retentionBytes, Runs runs, Runnable beforeHeadTruncation) {
        this.retentionBytes = retentionBytes;
        this.beforeHeadTruncation = beforeHeadTruncation;
        this.head = head;
        this.blocks = blocks;
        this.wal = wal;
        this.blockDurationMillis = blockDurationMillis;
        this.retentionMillis = retentionMillis;
        this.runs = runs;
    }

    /** Whether the head spans enough time that {@link #cutHead()} would write a block. */
    public boolean isHeadCuttable() {
        long min = head.minTime();
        long max = head.maxTime();
        return min != Long.MAX_VALUE && max != Long.MIN_VALUE && max - min > blockDurationMillis / 2 * 3;
    }

    /**
     * While the head spans more than 1.5 block durations, writes its oldest block-aligned window as a block
     * and drops it from the head and the WAL. Returns how many blocks were written.
     */
    public int cutHead() {
        return cutWhile(this::isHeadCuttable);
    }

    /** Moves everything in the head into blocks, whatever its span; for tests and a final flush. */
    public int flushHead() {
        return cutWhile(() -> head.minTime() != Long.MAX_VALUE);
    }

    private int cutWhile(java.util.function.BooleanSupplier condition) {
        synchronized (lock) {
            int written = 0;
            while (condition.getAsBoolean()) {
                long start = System.nanoTime();
                try {
                    long mint = Math.floorDiv(head.minTime(), blockDurationMillis) * blockDurationMillis;
                    long maxt = mint + blockDurationMillis;
                    if (!head.setMinValidTime(maxt, APPENDER_WAIT_MILLIS)) {
                        log.warn("block cut stopped waiting for an appender left open for {} ms; its samples before {}"
                                + " are refused as OUT_OF_BOUNDS at commit (commit or roll back every appender)",
                                APPENDER_WAIT_MILLIS, maxt);
                    }
                    List<BlockSeries> series = head.blockSeries(maxt);
                    if (!series.isEmpty()) {
                        long first = series.stream().mapToLong(s -> s.chunks().getFirst().minTime()).min().orElse(mint);
                        BlockMeta meta = BlockWriter.write(blocks.dir(), blocks.allocator(), Math.min(mint, first), maxt, 1,
                                List.of(), series, System.currentTimeMillis());
                        blocks.add(meta);
                        written++;
                        log.info("cut block from head [ulid={}, minTime={}, maxTime={}, series={}, samples={}, ms={}]",
                                meta.ulid(), meta.minTime(), meta.maxTime(), meta.series(), meta.samples(),
                                (System.nanoTime() - start) / 1_000_000);
                    }
                    beforeHeadTruncation.run();
                    head.truncateBefore(maxt);
                    wal.cut();
                    wal.truncateBefore(maxt, head::checkpoint);
                } catch (RuntimeException | Error e) {
                    runs.ran(Runs.HEAD_CUT, false, System.nanoTime() - start);
                    throw e;
                }
                runs.ran(Runs.HEAD_CUT, true, System.nanoTime() - start);
            }
            return written;
        }
    }

    /**
     * Writes a snapshot into the new directory {@code target} (see {@link Snapshot}); blocks stay as they
     * are meanwhile. Returns how many blocks the snapshot holds.
     */
    public int snapshot(Path target, Path labelsFile) {
        synchronized (lock) {
            return Snapshot.write(target, head, blocks, labelsFile);
        }
    }

    /** Merges adjacent blocks into longer spans (see {@link BlockCompaction}). Returns how many blocks were written. */
    public int compactBlocks() {
        synchronized (lock) {
            int written = 0;
            while (true) {
                List<BlockReader> group = BlockCompaction.plan(blocks.all(), blockDurationMillis, retentionMillis,
                        head.minValidTime());
                if (group.isEmpty()) {
                    return written;
                }
                long start = System.nanoTime();
                // The set holds its own reference to each source until replace() retires it; compaction
                // runs under the same lock as retention, so no source disappears meanwhile.
                BlockMeta meta;
                try {
                    meta = BlockCompaction.run(blocks, group);
                } catch (RuntimeException | Error e) {
                    runs.ran(Runs.MERGE, false, System.nanoTime() - start);
                    throw e;
                }
                written++;
                runs.ran(Runs.MERGE, true, System.nanoTime() - start);
                log.info("compacted blocks [ulid={}, level={}, sources={}, minTime={}, maxTime={}, series={}, ms={}]",
                        meta.ulid(), meta.level(), group.size(), meta.minTime(), meta.maxTime(), meta.series(),
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    /**
     * Deletes whole blocks that end more than the retention period before the newest sample, then, with a size
     * limit, the oldest blocks while blocks, WAL and head chunk files together hold more bytes than it (as
     * Prometheus's {@code retention.size} counts them; the WAL and head chunks cannot go, only blocks). Returns how
     * many were deleted.
     */
    public int applyRetention() {
        synchronized (lock) {
            long newest = Math.max(head.maxTime(), blocks.maxTime() - 1);
            if (newest == Long.MIN_VALUE) {
                return 0;
            }
            long cutoff = newest - retentionMillis;
            List<BlockReader> expired = new ArrayList<>();
            for (BlockReader b : blocks.all()) {
                if (b.meta().maxTime() <= cutoff) {
                    expired.add(b);
                }
            }
            if (!expired.isEmpty()) {
                blocks.replace(expired, List.of());
                log.info("retention deleted blocks [count={}, before={}]", expired.size(), cutoff);
            }
            return expired.size() + applySizeRetention();
        }
    }

    /** The size part of {@link #applyRetention}: walks the blocks newest first and deletes those past the limit. */
    private int applySizeRetention() {
        if (retentionBytes <= 0) {
            return 0;
        }
        HeadChunkFiles chunkFiles = head.chunkFiles();
        long kept = wal.bytesOnDisk() + (chunkFiles == null ? 0 : chunkFiles.bytesOnDisk());
        List<BlockReader> newestFirst = new ArrayList<>(blocks.all());
        newestFirst.sort(Comparator.comparingLong(BlockReader::maxTime).reversed());
        List<BlockReader> over = new ArrayList<>();
        for (BlockReader b : newestFirst) {
            kept += b.bytes();
            if (kept > retentionBytes) {
                over.add(b);
            }
        }
        if (!over.isEmpty()) {
            blocks.replace(over, List.of());
            log.info("retention by size deleted blocks [count={}, limit_bytes={}, newest_deleted_max_time={}]",
                    over.size(), retentionBytes, over.getFirst().maxTime());
        }
        return over.size();
    }
}
