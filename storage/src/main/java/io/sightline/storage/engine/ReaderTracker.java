package io.sightline.storage.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.TreeMap;

/**
 * Counts open queriers by the epoch they were created in, so that a head truncation can wait for the
 * queriers that started before the new block was published: they read the head, not that block, and
 * would miss the truncated samples (Prometheus's {@code WaitForPendingReadersInTimeRange}). Thread-safe.
 */
final class ReaderTracker {
    private static final Logger log = LoggerFactory.getLogger(ReaderTracker.class);

    private final Object lock = new Object();
    private final TreeMap<Long, Integer> openByEpoch = new TreeMap<>();
    private long epoch;

    /** Registers a querier; returns its epoch, to pass to {@link #close(long)}. */
    long open() {
        synchronized (lock) {
            openByEpoch.merge(epoch, 1, Integer::sum);
            return epoch;
        }
    }

    void close(long readerEpoch) {
        synchronized (lock) {
            if (openByEpoch.merge(readerEpoch, -1, Integer::sum) == 0) {
                openByEpoch.remove(readerEpoch);
                lock.notifyAll();
            }
        }
    }

    /**
     * Starts a new epoch and waits until every querier of the earlier ones has closed, or the timeout
     * passed (then a WARN: a very long query may miss samples that moved into a block meanwhile).
     */
    void awaitEarlierReaders(long timeoutMillis) {
        synchronized (lock) {
            long started = epoch++;
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            while (!openByEpoch.isEmpty() && openByEpoch.firstKey() <= started) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    log.warn("head truncation proceeds while queriers opened before the block cut are still open [count={}]",
                            openByEpoch.headMap(started, true).values().stream().mapToInt(Integer::intValue).sum());
                    return;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
