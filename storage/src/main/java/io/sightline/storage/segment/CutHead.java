package io.sightline.storage.segment;

/**
 * What {@link SegmentLifecycle} reads of a store's head to decide a cut. Read under the store's lock, as the head
 * itself is.
 */
public interface CutHead {
    /** True while the head holds no record. */
    boolean isEmpty();

    /** Approximate heap bytes of the head's records. */
    long bytes();

    /** Wall-clock millis of the first append, for the time-based cut. */
    long firstAppendMillis();
}
