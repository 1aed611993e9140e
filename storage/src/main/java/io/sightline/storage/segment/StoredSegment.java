package io.sightline.storage.segment;

import java.nio.file.Path;

/**
 * A published, immutable segment as {@link SegmentList} sees it. Reference-counted through its {@link SegmentFile}:
 * the list holds one reference, each querier another while it reads. Thread-safe.
 */
public interface StoredSegment {
    /** The segment's mapped, reference-counted data file. */
    SegmentFile segmentFile();

    /** The segment's directory, {@code seg-N}. */
    default Path dir() {
        return segmentFile().dir();
    }

    /** {@code N} of {@code seg-N}: the segment holds every record of WAL files below it. */
    default int number() {
        return segmentFile().number();
    }

    /** Bytes on disk. */
    default long bytes() {
        return segmentFile().mapped().size();
    }

    /** Earliest record time, unix nanoseconds ({@code Long.MAX_VALUE} when empty). */
    long minTime();

    /** Latest record time, unix nanoseconds ({@code Long.MIN_VALUE} when empty). */
    long maxTime();

    /** Takes a reference; false when the segment is already released for good (retention took it). */
    default boolean acquire() {
        return segmentFile().acquire();
    }

    /** Drops a reference; the last one unmaps the file. */
    default void release() {
        segmentFile().release();
    }
}
