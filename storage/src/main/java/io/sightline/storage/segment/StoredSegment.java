package io.sightline.storage.segment;

import java.nio.file.Path;

/**
 * A published, immutable segment as {@link SegmentList} sees it. Reference-counted: the list holds one
 * reference, each querier another while it reads. Thread-safe.
 */
public interface StoredSegment {
    /** The segment's directory, {@code seg-N}. */
    Path dir();

    /** {@code N} of {@code seg-N}: the segment holds every record of WAL files below it. */
    int number();

    /** Bytes on disk. */
    long bytes();

    /** Earliest record time, unix nanoseconds ({@code Long.MAX_VALUE} when empty). */
    long minTime();

    /** Latest record time, unix nanoseconds ({@code Long.MIN_VALUE} when empty). */
    long maxTime();

    /** Takes a reference; false when the segment is already released for good (retention took it). */
    boolean acquire();

    /** Drops a reference; the last one unmaps the file. */
    void release();
}
