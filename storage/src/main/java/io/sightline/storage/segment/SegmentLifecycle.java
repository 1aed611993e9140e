package io.sightline.storage.segment;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.FileFacade;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The life cycle of a log or trace store's records: commits fill the head; a cut takes the head whole (a new one
 * fills meanwhile), writes it as segment {@code seg-N} and publishes that, or puts its records back when the write
 * fails; retention deletes whole segments by age, then the oldest by size. Holds the store's head, the head being
 * written, its published {@link SegmentList} and the locks that guard them:
 * <ul>
 *     <li>{@link #lock()}: the head, the head being written and the list change only under its write lock; a
 *     reader that must see them together takes its read lock.</li>
 *     <li>{@link #cutLock()}: one cut at a time (the store's compaction, retention or close may take it too);
 *     taken before the write lock, never inside it.</li>
 *     <li>{@link #roomMade()}: a condition of the write lock, on which the store's commits wait for room in the
 *     head; signalled as {@link Wake} says and after a failed cut.</li>
 * </ul>
 * What the stores do their own way (the head type, how a head is written and put back, the WAL, metrics, log
 * lines) comes in as {@link Steps}. Thread-safe.
 *
 * @param <H> the store's head
 * @param <S> the store's segment type
 */
public final class SegmentLifecycle<H extends CutHead, S extends StoredSegment> {
    /** When commits waiting for room are woken, besides after a failed cut (always). */
    public enum Wake {
        /** When a cut takes the head: commits wait for the head to shrink (trace store). */
        WHEN_TAKEN,
        /** When a cut publishes its segment: commits wait for the running cut to end (log store). */
        WHEN_PUBLISHED
    }

    /**
     * What a store does its own way in the cycle. Called with the cut lock held, except the retention steps (on the
     * thread running {@link #applyRetention}).
     */
    public interface Steps<H, S> {
        /**
         * Under the write lock, the head just taken: ends the current WAL file and starts the next; returns its
         * number {@code N}, so that every record of the taken head is in WAL files below {@code N}.
         */
        int nextWalFile();

        /** Writes {@code frozen} as segment {@code seg-walNumber} and opens it. */
        S write(H frozen, int walNumber) throws IOException;

        /** Readies a written segment for publishing (the trace-id index); a failure fails the cut as one of write does. */
        default void prepare(S segment) {
        }

        /** Under the write lock, after a failed cut: the head to go on with, holding {@code frozen}'s records and {@code head}'s. */
        H restore(H frozen, H head);

        /**
         * {@code segment} is published: deletes the WAL files below {@code walNumber}, whose records it now holds
         * durably, then counts and logs the cut.
         */
        void published(S segment, int walNumber);

        /** Retention unlisted {@code segment}; its file is still there (the trace-id index reads its ids from it). */
        default void unlisted(S segment) {
        }

        /** Retention deleted {@code segment} for {@code reason}, "age" or "size". */
        default void deleted(S segment, String reason) {
        }
    }

    /** "log" or "span": names the segments in log lines and errors. */
    private final String kind;
    /** "records" or "spans": names what a head holds in log lines. */
    private final String things;
    /** Makes a new, empty head. */
    private final Supplier<H> newHead;
    private final Wake wake;
    /** The store's directory, which holds its segment directories. */
    private final Path dir;
    private final FileFacade files;
    private final Steps<H, S> steps;
    private final Logger log;
    private final SegmentList<S> segments;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Condition roomMade = lock.writeLock().newCondition();
    private final Object cutLock = new Object();
    private volatile boolean isClosed;
    private H head;
    /** The head being written into a segment; still read by queries until the segment is published. */
    private H flushing;

    /** {@code log} is the owning store's logger, so its lines keep their category. */
    public SegmentLifecycle(String kind, String things, Supplier<H> newHead, Wake wake, Path dir, FileFacade files,
                            Steps<H, S> steps, Logger log) {
        this.kind = kind;
        this.things = things;
        this.newHead = newHead;
        this.wake = wake;
        this.dir = dir;
        this.files = files;
        this.steps = steps;
        this.log = log;
        this.segments = new SegmentList<>(kind, log);
        this.head = newHead.get();
    }

    /** True when the head is due for a cut: it holds {@code maxHeadBytes}, or its first record is {@code segmentDurationMillis} old. */
    public boolean isCutDue(long maxHeadBytes, long segmentDurationMillis, InstantSource clock) {
        lock.readLock().lock();
        try {
            return !isClosed && !head.isEmpty() && (head.bytes() >= maxHeadBytes
                    || clock.millis() - head.firstAppendMillis() >= segmentDurationMillis);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Cuts the head into a segment, unless it is empty or the store closed. Commits go on into a new head
     * meanwhile, and queries read the one being written until its segment is published; then the WAL files below
     * the segment go. When the write fails its records stay in the head and the WAL, and the failure is thrown.
     *
     * @throws StorageException when the segment cannot be written
     */
    public void cut() {
        synchronized (cutLock) {
            H frozen;
            int walNumber;
            lock.writeLock().lock();
            try {
                if (head.isEmpty() || isClosed) {
                    return;
                }
                // First, so that a WAL file that cannot be created (a full disk) leaves the head as it was.
                walNumber = steps.nextWalFile();
                frozen = head;
                flushing = frozen;
                head = newHead.get();
                if (wake == Wake.WHEN_TAKEN) {
                    roomMade.signalAll();
                }
            } finally {
                lock.writeLock().unlock();
            }
            S segment = null;
            try {
                segment = steps.write(frozen, walNumber);
                steps.prepare(segment);
            } catch (IOException | RuntimeException e) {
                log.error("cutting a " + kind + " segment failed, " + things + " stay in the head and WAL [error={}]",
                        e.toString());
                discard(segment, walNumber, e);
                lock.writeLock().lock();
                try {
                    head = steps.restore(frozen, head);
                    flushing = null;
                    roomMade.signalAll(); // waiters re-check; the next cut retries
                } finally {
                    lock.writeLock().unlock();
                }
                throw e instanceof StorageException se ? se
                        : new StorageException("cannot write a " + kind + " segment: " + e.getMessage(), e);
            }
            lock.writeLock().lock();
            try {
                segments.add(segment);
                flushing = null;
                if (wake == Wake.WHEN_PUBLISHED) {
                    roomMade.signalAll();
                }
            } finally {
                lock.writeLock().unlock();
            }
            steps.published(segment, walNumber);
        }
    }

    /**
     * Removes what a failed cut left before its records go back into the head: a segment directory already in
     * place (the write failed after its rename, e.g. at the directory's fsync) would hold them twice after the next
     * cut, beside its WAL files. {@code segment} is null when the write or open failed.
     */
    private void discard(S segment, int walNumber, Exception failure) {
        if (segment != null) {
            segment.release();
        }
        try {
            files.deleteRecursively(dir.resolve(SegmentNames.dirName(walNumber)));
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Deletes the segments whose newest record is before {@code cutoffNanos}, then, while all segments together
     * hold more than {@code maxBytes} (0: no limit), the oldest; returns how many it deleted. Takes no cut lock: a
     * store whose cut or close must not run beside it holds the cut lock around the call.
     */
    public int applyRetention(long cutoffNanos, long maxBytes) {
        int removed = 0;
        for (S s : segments) {
            if (s.maxTime() < cutoffNanos) {
                removed += drop(s, "age");
            }
        }
        if (maxBytes > 0) {
            long total = segments.bytes();
            // Oldest first: segments are in cut order, and a compacted one stands where its newest source stood.
            for (S s : segments.snapshot()) {
                if (total <= maxBytes) {
                    break;
                }
                total -= s.bytes();
                removed += drop(s, "size");
            }
        }
        return removed;
    }

    /** Unpublishes and deletes {@code s}; 0 when the store is closing or {@code s} was no longer listed. */
    private int drop(S s, String reason) {
        if (isClosed) {
            return 0; // close waits for the running job, and the trace-id index is about to close
        }
        lock.writeLock().lock();
        try {
            if (!segments.remove(s)) {
                return 0;
            }
        } finally {
            lock.writeLock().unlock();
        }
        steps.unlisted(s);
        segments.deleteUnlisted(s, files);
        steps.deleted(s, reason);
        return 1;
    }

    /** Marks the store closed, so that no cut or retention delete starts after this; false when it already was. */
    public boolean markClosed() {
        if (isClosed) {
            return false;
        }
        isClosed = true;
        return true;
    }

    /** True once {@link #markClosed} ran. */
    public boolean isClosed() {
        return isClosed;
    }

    /** The head commits add to; under {@link #lock()} (its write lock to change it). */
    public H head() {
        return head;
    }

    /** The head a running cut is writing, null when none; under {@link #lock()}. */
    public H flushing() {
        return flushing;
    }

    /** The published segments, oldest first; changed under {@link #lock()}'s write lock. */
    public SegmentList<S> segments() {
        return segments;
    }

    /** The store's read/write lock (see the class comment). */
    public ReentrantReadWriteLock lock() {
        return lock;
    }

    /** The store's cut lock, taken before the write lock (see the class comment). */
    public Object cutLock() {
        return cutLock;
    }

    /** The write lock's condition on which commits wait for room in the head (see {@link Wake}). */
    public Condition roomMade() {
        return roomMade;
    }
}
