package io.sightline.storage.block;

import io.sightline.storage.DamagedDataException;
import io.sightline.storage.StorageException;
import io.sightline.storage.io.DamagedDirs;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.TaggedAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The open blocks of the store, oldest first. Thread-safe: the list is replaced whole on change (rare),
 * and readers take references on a snapshot so that a retired block stays mapped until they finish.
 */
public final class BlockSet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlockSet.class);

    private final Path dir;
    private final TaggedAllocator allocator;
    private final Object lock = new Object();
    private volatile List<BlockReader> blocks;
    private final int damagedAtOpen;

    private BlockSet(Path dir, TaggedAllocator allocator, List<BlockReader> blocks, int damagedAtOpen) {
        this.dir = dir;
        this.allocator = allocator;
        this.blocks = blocks;
        this.damagedAtOpen = damagedAtOpen;
    }

    /** How many damaged blocks {@link #open} moved aside. */
    public int damagedAtOpen() {
        return damagedAtOpen;
    }

    /**
     * Opens every block under {@code dataDir/metrics}, first removing what a crash left half-written or
     * half-deleted. A damaged block (a checksum, bound or header that fails, a file missing) is reported and moved
     * aside ({@link DamagedDirs}): the other blocks open, and only its samples are missing from queries.
     */
    public static BlockSet open(Path dataDir, TaggedAllocator allocator) {
        Path dir = dataDir.resolve(BlockFormat.DIR);
        FileFacade files = allocator.files();
        List<BlockReader> blocks = new ArrayList<>();
        int damaged = 0;
        try {
            files.createDirectories(dir);
            for (Path p : files.list(dir)) {
                String name = p.getFileName().toString();
                if (name.endsWith(BlockFormat.TMP_SUFFIX) || name.endsWith(BlockFormat.DELETING_SUFFIX)) {
                    log.info("removing a block directory left by an interrupted write or delete [dir={}]", p);
                    files.deleteRecursively(p);
                } else if (Ulid.isUlid(name)) {
                    try {
                        blocks.add(BlockReader.open(p, allocator));
                    } catch (DamagedDataException e) {
                        Path aside = DamagedDirs.moveAside(files, p);
                        log.error("damaged block moved aside; the other blocks are served, its samples are not [dir={},"
                                + " problem={}]; restore it from a backup or delete it", aside, e.getMessage());
                        damaged++;
                    }
                }
            }
        } catch (IOException e) {
            blocks.forEach(BlockReader::release);
            throw new StorageException("cannot open blocks in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            blocks.forEach(BlockReader::release);
            throw e;
        }
        blocks = dropSuperseded(blocks);
        blocks.sort(Comparator.comparingLong(BlockReader::minTime));
        return new BlockSet(dir, allocator, List.copyOf(blocks), damaged);
    }

    /**
     * A compaction writes the merged block (atomic rename) before it deletes the sources; a crash in between
     * leaves both, and they overlap. A block whose level-1 sources are all among another block's sources is
     * such a leftover: it is deleted, the merged block has all of its data.
     */
    private static List<BlockReader> dropSuperseded(List<BlockReader> blocks) {
        List<BlockReader> kept = new ArrayList<>(blocks.size());
        for (BlockReader b : blocks) {
            BlockReader by = null;
            for (BlockReader other : blocks) {
                if (other != b && other.meta().sources().size() > b.meta().sources().size()
                        && other.meta().sources().containsAll(b.meta().sources())) {
                    by = other;
                    break;
                }
            }
            if (by == null) {
                kept.add(b);
            } else {
                log.info("removing a block a crash left behind after compacting it [dir={}, mergedInto={}]",
                        b.dir(), by.meta().ulid());
                b.retire();
            }
        }
        return kept;
    }

    public Path dir() {
        return dir;
    }

    public TaggedAllocator allocator() {
        return allocator;
    }

    /** The current blocks, oldest first; take references before reading any of them. */
    public List<BlockReader> all() {
        return blocks;
    }

    /** References on the blocks overlapping {@code [mint, maxt]}, oldest first; release each when done. */
    public List<BlockReader> acquire(long mint, long maxt) {
        while (true) {
            List<BlockReader> current = blocks;
            List<BlockReader> taken = new ArrayList<>();
            boolean isComplete = true;
            for (BlockReader b : current) {
                if (b.minTime() > maxt || b.maxTime() < mint) {
                    continue;
                }
                if (!b.acquire()) {
                    isComplete = false; // retired under us: take a fresh snapshot
                    break;
                }
                taken.add(b);
            }
            if (isComplete) {
                return taken;
            }
            taken.forEach(BlockReader::release);
        }
    }

    /** Opens a block just written and adds it. */
    public BlockReader add(BlockMeta meta) {
        BlockReader reader = BlockReader.open(dir.resolve(meta.ulid()), allocator);
        replace(List.of(), List.of(reader));
        return reader;
    }

    /** Swaps {@code removed} for {@code added} in one step; removed blocks are deleted once unread. */
    public void replace(List<BlockReader> removed, List<BlockReader> added) {
        synchronized (lock) {
            List<BlockReader> next = new ArrayList<>(blocks);
            next.removeAll(removed);
            next.addAll(added);
            next.sort(Comparator.comparingLong(BlockReader::minTime));
            blocks = List.copyOf(next);
        }
        removed.forEach(BlockReader::retire);
    }

    /** The exclusive end of the newest block, {@code Long.MIN_VALUE} when none. */
    public long maxTime() {
        long max = Long.MIN_VALUE;
        for (BlockReader b : blocks) {
            max = Math.max(max, b.meta().maxTime());
        }
        return max;
    }

    @Override
    public void close() {
        synchronized (lock) {
            blocks.forEach(BlockReader::release);
            blocks = List.of();
        }
    }
}
