package io.sightline.storage.segment;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.DamagedDataException;
import io.sightline.storage.io.DamagedDirs;
import io.sightline.storage.io.FileFacade;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The published segments of a log or trace store, in cut order (ascending {@code seg-N}); the list holds one
 * reference to each. Reads need no lock (copy-on-write), but the owner changes the list only under its store's
 * write lock (or in {@link #load}, before the store is shared) and reads it under the read lock wherever a reader
 * must see the segments and the heads together (a cut or compaction publishing in between would otherwise hide or
 * double records). The list takes no lock of its own. Thread-safe.
 *
 * @param <S> the store's segment type
 */
public final class SegmentList<S extends StoredSegment> implements Iterable<S> {
    private static final Comparator<StoredSegment> CUT_ORDER = Comparator.comparingInt(StoredSegment::number);

    /** "log" or "span": names the segments in log lines. */
    private final String kind;
    private final Logger log;
    private final CopyOnWriteArrayList<S> segments = new CopyOnWriteArrayList<>();

    /** {@code log} is the owning store's logger, so its lines keep their category. */
    public SegmentList(String kind, Logger log) {
        this.kind = kind;
        this.log = log;
    }

    /**
     * Opens every segment directory under {@code dir} in cut order, deleting unfinished cuts ({@code *.tmp}; their
     * records are still in the WAL) and skipping other entries. A damaged segment is reported and moved aside
     * ({@link DamagedDirs}), so that the others are served. Returns the highest segment number, 0 when none: WAL
     * files below it need no replay.
     */
    public int load(Path dir, FileFacade files, Function<Path, S> open) throws IOException {
        int covered = 0;
        for (Path p : files.list(dir)) {
            String name = p.getFileName().toString();
            if (name.endsWith(SegmentNames.TMP_SUFFIX)) {
                files.deleteRecursively(p);
                continue;
            }
            if (SegmentNames.walNumber(name) < 0) {
                continue;
            }
            S s;
            try {
                s = open.apply(p);
            } catch (DamagedDataException e) {
                Path aside = DamagedDirs.moveAside(files, p);
                log.error("damaged {} segment moved aside; the other segments are served, its records are not [dir={},"
                        + " problem={}]; restore it from a backup or delete it", kind, aside, e.getMessage());
                continue;
            }
            segments.add(s);
            covered = Math.max(covered, s.number());
        }
        segments.sort(CUT_ORDER); // retention by size drops the oldest first
        return covered;
    }

    /** Registers the segment count and byte gauges under the given names. */
    public void registerGauges(Meter meter, String countName, String countDescription, String bytesName,
                               String bytesDescription) {
        meter.gaugeBuilder(countName).ofLongs().setDescription(countDescription)
                .buildWithCallback(m -> m.record(segments.size()));
        meter.gaugeBuilder(bytesName).ofLongs().setUnit("By").setDescription(bytesDescription)
                .buildWithCallback(m -> m.record(bytes()));
    }

    /** Publishes a newly cut segment (the newest). Under the store's write lock. */
    public void add(S segment) {
        segments.add(segment);
    }

    /** Unpublishes {@code segment}; false when it was no longer listed. Under the store's write lock. */
    public boolean remove(S segment) {
        return segments.remove(segment);
    }

    /**
     * Swaps a compacted {@code run} for {@code merged}, which stands where the run's newest stood. Under the store's
     * write lock; the run's references stay with the caller.
     */
    public void replace(List<S> run, S merged) {
        segments.removeAll(run);
        segments.add(merged);
        segments.sort(CUT_ORDER);
    }

    /**
     * Adds to {@code held} each segment overlapping {@code [minNanos, maxNanos]} that it could acquire; the caller
     * releases them. Returns {@code held}.
     */
    public List<S> acquireOverlapping(long minNanos, long maxNanos, List<S> held) {
        for (S s : segments) {
            if (s.minTime() <= maxNanos && s.maxTime() >= minNanos && s.acquire()) {
                held.add(s);
            }
        }
        return held;
    }

    /**
     * Deletes an unpublished segment's directory and drops the list's reference: the file is unmapped once the last
     * querier lets go (the open mapping survives the unlink). A failed delete is logged, not thrown.
     */
    public void deleteUnlisted(S segment, FileFacade files) {
        try {
            files.deleteRecursively(segment.dir());
        } catch (IOException e) {
            log.warn("cannot delete expired " + kind + " segment [dir={}, error={}]", segment.dir(), e.getMessage());
        }
        segment.release();
    }

    /** Drops the list's reference to every segment and empties it (store close). Under the store's write lock. */
    public void releaseAll() {
        for (S s : segments) {
            s.release();
        }
        segments.clear();
    }

    public int size() {
        return segments.size();
    }

    /** Bytes of all listed segments on disk. */
    public long bytes() {
        return segments.stream().mapToLong(StoredSegment::bytes).sum();
    }

    /** The current segments, oldest first. */
    public List<S> snapshot() {
        return List.copyOf(segments);
    }

    /** Iterates a snapshot, oldest first; never throws for concurrent changes. */
    @Override
    public Iterator<S> iterator() {
        return segments.iterator();
    }
}
